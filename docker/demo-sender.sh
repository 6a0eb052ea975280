#!/bin/sh
# The compose file's demo sender (profile "demo"): makes DEMO_COUNT small
# Secondary Capture instances of one new study with dump2dcm, sends them to
# pixeldex with storescu, and asks for the study back with findscu.
#   DEMO_TARGET (host, default pixeldex), DEMO_PORT (11112), DEMO_AET
#   (PIXELDEX), DEMO_COUNT (5)
set -eu
host="${DEMO_TARGET:-pixeldex}"
port="${DEMO_PORT:-11112}"
aet="${DEMO_AET:-PIXELDEX}"
count="${DEMO_COUNT:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# PS3.5 B.2: a UID under 2.25 from a random integer.
uid() { echo "2.25.$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')"; }

study="$(uid)"
series="$(uid)"
i=1
while [ "$i" -le "$count" ]; do
  cat > "$work/$i.dump" <<DUMP
(0008,0016) UI =SecondaryCaptureImageStorage
(0008,0018) UI [$(uid)]
(0008,0020) DA [$(date -u +%Y%m%d)]
(0008,0060) CS [OT]
(0010,0010) PN [Demo^Patient]
(0010,0020) LO [DEMO-1]
(0020,000d) UI [$study]
(0020,000e) UI [$series]
(0020,0013) IS [$i]
(0028,0002) US 1
(0028,0004) CS [MONOCHROME2]
(0028,0010) US 2
(0028,0011) US 2
(0028,0100) US 8
(0028,0101) US 8
(0028,0102) US 7
(0028,0103) US 0
(7fe0,0010) OB 00\\40\\80\\ff
DUMP
  dump2dcm -q --write-xfer-little "$work/$i.dump" "$work/$i.dcm"
  i=$((i + 1))
done
storescu -aet DEMO -aec "$aet" "$host" "$port" "$work"/*.dcm
findscu -S -aet DEMO -aec "$aet" -k QueryRetrieveLevel=STUDY -k StudyInstanceUID="$study" \
  -k NumberOfStudyRelatedInstances "$host" "$port"
echo "demo-sender: sent $count instances of study $study to $aet at $host:$port"

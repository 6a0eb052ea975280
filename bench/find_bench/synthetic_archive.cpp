#include "bench/find_bench/synthetic_archive.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace pixeldex::bench {
namespace {

// The 100 most common US surnames (2010 census), upper case as modalities send them.
constexpr std::array<const char*, 100> kSurnames = {
    "SMITH",    "JOHNSON",   "WILLIAMS", "BROWN",    "JONES",     "GARCIA",   "MILLER",
    "DAVIS",    "RODRIGUEZ", "MARTINEZ", "HERNANDEZ", "LOPEZ",    "GONZALEZ", "WILSON",
    "ANDERSON", "THOMAS",    "TAYLOR",   "MOORE",    "JACKSON",   "MARTIN",   "LEE",
    "PEREZ",    "THOMPSON",  "WHITE",    "HARRIS",   "SANCHEZ",   "CLARK",    "RAMIREZ",
    "LEWIS",    "ROBINSON",  "WALKER",   "YOUNG",    "ALLEN",     "KING",     "WRIGHT",
    "SCOTT",    "TORRES",    "NGUYEN",   "HILL",     "FLORES",    "GREEN",    "ADAMS",
    "NELSON",   "BAKER",     "HALL",     "RIVERA",   "CAMPBELL",  "MITCHELL", "CARTER",
    "ROBERTS",  "GOMEZ",     "PHILLIPS", "EVANS",    "TURNER",    "DIAZ",     "PARKER",
    "CRUZ",     "EDWARDS",   "COLLINS",  "REYES",    "STEWART",   "MORRIS",   "MORALES",
    "MURPHY",   "COOK",      "ROGERS",   "GUTIERREZ", "ORTIZ",    "MORGAN",   "COOPER",
    "PETERSON", "BAILEY",    "REED",     "KELLY",    "HOWARD",    "RAMOS",    "KIM",
    "COX",      "WARD",      "RICHARDSON", "WATSON", "BROOKS",    "CHAVEZ",   "WOOD",
    "JAMES",    "BENNETT",   "GRAY",     "MENDOZA",  "RUIZ",      "HUGHES",   "PRICE",
    "ALVAREZ",  "CASTILLO",  "SANDERS",  "PATEL",    "MYERS",     "LONG",     "ROSS",
    "FOSTER",   "JIMENEZ"};

// 50 male then 50 female given names.
constexpr std::array<const char*, 100> kGivenNames = {
    "JAMES",   "JOHN",     "ROBERT",    "MICHAEL",  "WILLIAM",  "DAVID",    "RICHARD",
    "JOSEPH",  "THOMAS",   "CHARLES",   "CHRISTOPHER", "DANIEL", "MATTHEW", "ANTHONY",
    "MARK",    "DONALD",   "STEVEN",    "PAUL",     "ANDREW",   "JOSHUA",   "KENNETH",
    "KEVIN",   "BRIAN",    "GEORGE",    "TIMOTHY",  "RONALD",   "EDWARD",   "JASON",
    "JEFFREY", "RYAN",     "JACOB",     "GARY",     "NICHOLAS", "ERIC",     "JONATHAN",
    "STEPHEN", "LARRY",    "JUSTIN",    "SCOTT",    "BRANDON",  "BENJAMIN", "SAMUEL",
    "GREGORY", "ALEXANDER", "FRANK",    "PATRICK",  "RAYMOND",  "JACK",     "DENNIS",
    "JERRY",   "MARY",     "PATRICIA",  "JENNIFER", "LINDA",    "ELIZABETH", "BARBARA",
    "SUSAN",   "JESSICA",  "SARAH",     "KAREN",    "LISA",     "NANCY",    "BETTY",
    "MARGARET", "SANDRA",  "ASHLEY",    "KIMBERLY", "EMILY",    "DONNA",    "MICHELLE",
    "CAROL",   "AMANDA",   "DOROTHY",   "MELISSA",  "DEBORAH",  "STEPHANIE", "REBECCA",
    "SHARON",  "LAURA",    "CYNTHIA",   "KATHLEEN", "AMY",      "ANGELA",   "SHIRLEY",
    "ANNA",    "BRENDA",   "PAMELA",    "EMMA",     "NICOLE",   "HELEN",    "SAMANTHA",
    "KATHERINE", "CHRISTINE", "DEBRA",  "RACHEL",   "CAROLYN",  "JANET",    "CATHERINE",
    "MARIA",   "HEATHER"};

struct ModalityProfile {
  const char* modality;
  const char* sop_class;
  const char* transfer_syntax;
  int rows, columns;
  const char* study_description;
  const char* body_part;
  const char* series_descriptions[SyntheticArchive::kSeriesPerStudy];
};

const ModalityProfile kCt = {"CT", "1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.1.2.1", 512, 512,
                             "CT CHEST ABDOMEN PELVIS W CONTRAST", "CHEST",
                             {"Topogram", "Axial 5mm", "Axial 1mm", "Coronal MPR", "Sagittal MPR"}};
const ModalityProfile kMr = {"MR", "1.2.840.10008.5.1.4.1.1.4", "1.2.840.10008.1.2.1", 256, 256,
                             "MRI BRAIN W/O CONTRAST", "HEAD",
                             {"Localizer", "T1 SAG", "T2 AX", "FLAIR AX", "DWI"}};
const ModalityProfile kCr = {"CR", "1.2.840.10008.5.1.4.1.1.1", "1.2.840.10008.1.2.4.80", 2500,
                             2048, "XR CHEST 2 VIEWS", "CHEST",
                             {"PA", "LAT", "PA STANDING", "AP PORTABLE", "LAT DECUBITUS"}};
const ModalityProfile kUs = {"US", "1.2.840.10008.5.1.4.1.1.6.1", "1.2.840.10008.1.2.4.50", 480,
                             640, "US ABDOMEN COMPLETE", "ABDOMEN",
                             {"Liver", "Gallbladder", "Kidneys", "Pancreas", "Spleen"}};
constexpr const char* kManufacturers[] = {"SIEMENS", "GE MEDICAL SYSTEMS", "Philips", "CANON_MEC"};

constexpr int64_t kFirstStudyDay = 16801;  // 2016-01-01
constexpr int64_t kStudyDays = 3653;       // through 2025-12-31

// PS3.5 B.2: an example root; the synthetic UIDs are children of it.
constexpr const char* kUidRoot = "1.2.826.0.1.3680043.10.1101";

const ModalityProfile& Profile(uint64_t h) {
  const uint64_t r = h % 100;
  if (r < 40) return kCt;
  if (r < 65) return kMr;
  if (r < 90) return kCr;
  return kUs;
}

uint64_t Hash(uint64_t kind, int64_t n) { return Mix(kind * 0x9E3779B97F4A7C15ULL ^ Mix(n)); }

std::string Time(uint64_t h) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%02d%02d%02d", 7 + static_cast<int>(h % 12),
                static_cast<int>((h >> 8) % 60), static_cast<int>((h >> 16) % 60));
  return buf;
}

// Compact DICOM JSON as DcmJsonFormatCompact writes it.
class JsonWriter {
 public:
  JsonWriter() { out_.reserve(1400); out_ += '{'; }
  void Str(const char* tag, const char* vr, const std::string& value) {
    Open(tag, vr);
    out_ += ",\"Value\":[\"" + value + "\"]}";
  }
  void Strs(const char* tag, const char* vr, std::initializer_list<const char*> values) {
    Open(tag, vr);
    out_ += ",\"Value\":[";
    bool first = true;
    for (const char* v : values) {
      if (!first) out_ += ',';
      first = false;
      out_ += '"';
      out_ += v;
      out_ += '"';
    }
    out_ += "]}";
  }
  void Num(const char* tag, const char* vr, const std::string& numbers) {  // "1,2,3"
    Open(tag, vr);
    out_ += ",\"Value\":[" + numbers + "]}";
  }
  void Name(const char* tag, const std::string& name) {
    Open(tag, "PN");
    out_ += ",\"Value\":[{\"Alphabetic\":\"" + name + "\"}]}";
  }
  void Bulk(const char* tag, const char* vr) {
    Open(tag, vr);
    out_ += ",\"BulkDataURI\":\"bulkdata/";
    out_ += tag;
    out_ += "\"}";
  }
  std::string Done() { return out_ + '}'; }

 private:
  void Open(const char* tag, const char* vr) {
    if (out_.size() > 1) out_ += ',';
    out_ += '"';
    out_ += tag;
    out_ += "\":{\"vr\":\"";
    out_ += vr;
    out_ += '"';
  }
  std::string out_;
};

}  // namespace

uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

std::string DicomDate(int64_t days) {
  // Howard Hinnant's civil_from_days.
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%04d%02d%02d", static_cast<int>(y % 10000),
                static_cast<int>(m), static_cast<int>(d));
  return buf;
}

std::string LastDayOfMonth(const std::string& yyyymmdd) {
  const int y = std::stoi(yyyymmdd.substr(0, 4));
  const int m = std::stoi(yyyymmdd.substr(4, 2));
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int d = kDays[m - 1];
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) d = 29;
  return yyyymmdd.substr(0, 6) + std::to_string(d);
}

SyntheticArchive::SyntheticArchive(int64_t instances)
    : instances_(instances),
      studies_((instances + kInstancesPerStudy - 1) / kInstancesPerStudy),
      patients_(std::max<int64_t>(1, studies_ / 2)) {}

int64_t SyntheticArchive::PatientOf(int64_t s) const {
  return static_cast<int64_t>(Hash(1, s) % static_cast<uint64_t>(patients_));
}

std::string SyntheticArchive::PatientId(int64_t p) const { return std::to_string(20000000 + p); }

std::string SyntheticArchive::PatientName(int64_t p) const {
  const uint64_t h = Hash(2, p);
  return std::string(kSurnames[h % 100]) + "^" + kGivenNames[(h >> 16) % 100];
}

std::string SyntheticArchive::StudyUid(int64_t s) const {
  return std::string(kUidRoot) + ".1." + std::to_string(s + 1);
}

std::string SyntheticArchive::SeriesUid(int64_t s, int64_t series) const {
  return std::string(kUidRoot) + ".2." + std::to_string(s + 1) + "." + std::to_string(series + 1);
}

std::string SyntheticArchive::StudyDate(int64_t s) const {
  return DicomDate(kFirstStudyDay + static_cast<int64_t>(Hash(3, s) % kStudyDays));
}

std::string SyntheticArchive::AccessionNumber(int64_t s) const {
  return "A" + std::to_string(100000000 + s);
}

std::string SyntheticArchive::Modality(int64_t s) const { return Profile(Hash(4, s)).modality; }

InstanceRecord SyntheticArchive::Record(int64_t i) const {
  const int64_t s = i / kInstancesPerStudy;
  const int64_t series = (i / kInstancesPerSeries) % kSeriesPerStudy;
  const int64_t number = i % kInstancesPerSeries + 1;
  const int64_t p = PatientOf(s);
  const uint64_t ph = Hash(2, p);
  const uint64_t sh = Hash(5, s);
  const ModalityProfile& m = Profile(Hash(4, s));
  const bool male = (ph >> 16) % 100 < 50;

  InstanceRecord r;
  r.patient.patient_id = PatientId(p);
  r.patient.patient_name = PatientName(p);
  r.patient.birth_date = DicomDate(-14610 + static_cast<int64_t>((ph >> 24) % 32872));  // 1930..2019
  r.patient.sex = male ? "M" : "F";

  r.study.study_instance_uid = StudyUid(s);
  r.study.study_date = StudyDate(s);
  r.study.study_time = Time(sh);
  r.study.accession_number = AccessionNumber(s);
  r.study.study_id = std::to_string(s % 100000);
  r.study.study_description = m.study_description;
  r.study.referring_physician_name =
      std::string(kSurnames[(sh >> 24) % 100]) + "^" + kGivenNames[(sh >> 32) % 100];

  r.series.series_instance_uid = SeriesUid(s, series);
  r.series.modality = m.modality;
  r.series.series_number = series + 1;
  r.series.series_description = m.series_descriptions[series];
  r.series.body_part_examined = m.body_part;
  r.series.series_date = r.study.study_date;
  r.series.series_time = r.study.study_time;
  r.series.manufacturer = kManufacturers[(sh >> 40) % 4];
  r.series.institution_name = "GENERAL HOSPITAL";
  r.series.station_name = std::string(m.modality) + "0" + std::to_string(1 + (sh >> 44) % 4);

  r.instance.sop_instance_uid = r.series.series_instance_uid + "." + std::to_string(number);
  r.instance.sop_class_uid = m.sop_class;
  r.instance.instance_number = number;
  r.instance.transfer_syntax_uid = m.transfer_syntax;
  r.instance.rows = m.rows;
  r.instance.columns = m.columns;
  r.instance.content_date = r.study.study_date;
  r.instance.content_time = r.study.study_time;
  r.instance.specific_character_set = "ISO_IR 100";

  JsonWriter j;
  j.Str("00080005", "CS", "ISO_IR 100");
  j.Strs("00080008", "CS", {"ORIGINAL", "PRIMARY", "AXIAL"});
  j.Str("00080016", "UI", m.sop_class);
  j.Str("00080018", "UI", r.instance.sop_instance_uid);
  j.Str("00080020", "DA", r.study.study_date);
  j.Str("00080030", "TM", r.study.study_time);
  j.Str("00080050", "SH", r.study.accession_number);
  j.Str("00080060", "CS", m.modality);
  j.Str("00080070", "LO", r.series.manufacturer);
  j.Str("00080080", "LO", r.series.institution_name);
  j.Name("00080090", r.study.referring_physician_name);
  j.Str("00081030", "LO", r.study.study_description);
  j.Str("0008103E", "LO", r.series.series_description);
  j.Name("00100010", r.patient.patient_name);
  j.Str("00100020", "LO", r.patient.patient_id);
  j.Str("00100030", "DA", r.patient.birth_date);
  j.Str("00100040", "CS", r.patient.sex);
  j.Str("00180015", "CS", m.body_part);
  j.Num("00180050", "DS", "5.0");
  j.Str("0020000D", "UI", r.study.study_instance_uid);
  j.Str("0020000E", "UI", r.series.series_instance_uid);
  j.Str("00200010", "SH", r.study.study_id);
  j.Num("00200011", "IS", std::to_string(series + 1));
  j.Num("00200013", "IS", std::to_string(number));
  j.Num("00200032", "DS", "-250.0,-180.5," + std::to_string(-5 * number) + ".0");
  j.Num("00200037", "DS", "1.0,0.0,0.0,0.0,1.0,0.0");
  j.Num("00280002", "US", "1");
  j.Str("00280004", "CS", "MONOCHROME2");
  j.Num("00280010", "US", std::to_string(m.rows));
  j.Num("00280011", "US", std::to_string(m.columns));
  j.Num("00280030", "DS", "0.75,0.75");
  j.Num("00280100", "US", "16");
  j.Num("00280101", "US", "12");
  j.Num("00281050", "DS", "40");
  j.Num("00281051", "DS", "400");
  j.Bulk("7FE00010", "OW");
  r.header_json = j.Done();

  r.file.relative_path = "studies/" + r.study.study_instance_uid + "/" +
                         r.series.series_instance_uid + "/" + r.instance.sop_instance_uid + ".dcm";
  r.file.size_bytes = 2 * int64_t{m.rows} * m.columns + 1800;
  char sha[65];
  std::snprintf(sha, sizeof(sha), "%016llx%016llx%016llx%016llx",
                static_cast<unsigned long long>(Hash(6, i)),
                static_cast<unsigned long long>(Hash(7, i)),
                static_cast<unsigned long long>(Hash(8, i)),
                static_cast<unsigned long long>(Hash(9, i)));
  r.file.sha256 = sha;
  r.file.received_at = "2026-01-15T10:00:00.000Z";
  r.file.file_mtime = r.file.received_at;
  r.provenance.source = ProvenanceSource::kNetwork;
  r.provenance.calling_aet = std::string(m.modality) + "_SCANNER";
  r.provenance.called_aet = "PIXELDEX";
  r.provenance.peer_address = "10.0.0.17:40412";
  return r;
}

}  // namespace pixeldex::bench

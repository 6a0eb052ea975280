#include "server/retrieve/outgoing_syntax.h"

#include <dcmtk/dcmdata/dcrleerg.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmjpeg/djencode.h>
#include <dcmtk/dcmjpls/djencode.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>

#include "catalog/thumbnail/codec_registry.h"
#include "catalog/thumbnail/frame_reader.h"

namespace pixeldex::server {
namespace {

// Uncompressed targets, in order of preference.
constexpr std::array<E_TransferSyntax, 4> kUncompressed = {
    EXS_LittleEndianExplicit, EXS_LittleEndianImplicit, EXS_DeflatedLittleEndianExplicit,
    EXS_BigEndianExplicit};

bool IsUncompressed(E_TransferSyntax ts) {
  return std::find(kUncompressed.begin(), kUncompressed.end(), ts) != kUncompressed.end();
}

// Lossless compressed targets DCMTK can encode (PS3.5 A.4.1 JPEG lossless,
// A.4.2 RLE, A.4.3 JPEG-LS lossless), in order of preference.
constexpr std::array<E_TransferSyntax, 4> kLosslessEncodable = {
    EXS_JPEGProcess14SV1, EXS_JPEGLSLossless, EXS_RLELossless, EXS_JPEGProcess14};

// PS3.5 A.4: DCMTK decodes JPEG, JPEG-LS and RLE; the others stay as stored.
bool CanDecompress(E_TransferSyntax ts) {
  return thumbnail::ClassifyTransferSyntax(ts) == thumbnail::SyntaxKind::kDcmtkCodec;
}

// Registers DCMTK's lossless encoders once per process. SOP Instance UIDs are
// kept: lossless encoding loses nothing (EUC_default makes new UIDs only for
// lossy compression, which pixeldex never does).
void EnsureEncodersRegistered() {
  static std::once_flag once;
  std::call_once(once, [] {
    DJEncoderRegistration::registerCodecs();
    DJLSEncoderRegistration::registerCodecs();
    DcmRLEEncoderRegistration::registerCodecs();
  });
}

// Where a target ranks for an instance stored in `stored` (higher is
// better); negative when it cannot carry it.
int Rank(E_TransferSyntax target, E_TransferSyntax stored) {
  if (target == stored && target != EXS_Unknown) return 100;
  if (!IsUncompressed(stored) && !CanDecompress(stored)) return -1;
  const auto uncompressed = std::find(kUncompressed.begin(), kUncompressed.end(), target);
  if (uncompressed != kUncompressed.end()) {
    return 50 - static_cast<int>(uncompressed - kUncompressed.begin());
  }
  const auto lossless = std::find(kLosslessEncodable.begin(), kLosslessEncodable.end(), target);
  if (lossless != kLosslessEncodable.end()) {
    return 10 - static_cast<int>(lossless - kLosslessEncodable.begin());
  }
  return -1;
}

bool MaySendStores(const T_ASC_PresentationContext& pc, StoreSender sender) {
  if (sender == StoreSender::kRequestor) return true;
  return pc.acceptedRole == ASC_SC_ROLE_SCP || pc.acceptedRole == ASC_SC_ROLE_SCUSCP;
}

}  // namespace

std::vector<E_TransferSyntax> ConversionSyntaxes() {
  std::vector<E_TransferSyntax> syntaxes(kUncompressed.begin(), kUncompressed.end());
  syntaxes.insert(syntaxes.end(), kLosslessEncodable.begin(), kLosslessEncodable.end());
  return syntaxes;
}

bool CanConvert(E_TransferSyntax stored, E_TransferSyntax target) {
  return Rank(target, stored) >= 0;
}

Result<OutgoingContext> ChooseOutgoingContext(T_ASC_Association* assoc,
                                              const std::string& sop_class_uid,
                                              E_TransferSyntax stored, StoreSender sender) {
  OutgoingContext best;
  int best_rank = -1;  // higher is better
  bool class_accepted = false;
  const int count = ASC_countPresentationContexts(assoc->params);
  for (int i = 0; i < count; ++i) {
    T_ASC_PresentationContext pc;
    if (ASC_getPresentationContext(assoc->params, i, &pc).bad()) continue;
    if (pc.resultReason != ASC_P_ACCEPTANCE || sop_class_uid != pc.abstractSyntax) continue;
    if (!MaySendStores(pc, sender)) continue;
    class_accepted = true;
    const E_TransferSyntax ts = DcmXfer(pc.acceptedTransferSyntax).getXfer();
    const int rank = Rank(ts, stored);
    if (rank > best_rank) {
      best_rank = rank;
      best = {pc.presentationContextID, ts, ts != stored};
    }
  }
  if (best_rank >= 0) return best;
  if (!class_accepted) {
    return Status::NotFound(sender == StoreSender::kAcceptor
                                ? "the requestor accepted no SCP role for SOP class " + sop_class_uid
                                : "the destination accepted no context for SOP class " + sop_class_uid);
  }
  return Status::NotFound(std::string("no accepted transfer syntax can carry an instance stored in ") +
                          DcmXfer(stored).getXferName());
}

Status ConvertForSending(DcmDataset& dataset, E_TransferSyntax target) {
  thumbnail::EnsureDcmtkDecodersRegistered();
  EnsureEncodersRegistered();
  // Codecs work on Pixel Data in memory; uncompressed values going out
  // uncompressed are read from the file as they are written.
  if (!IsUncompressed(dataset.getOriginalXfer()) || !IsUncompressed(target)) {
    dataset.loadAllDataIntoMemory();
  }
  // A crafted stored frame must not crash or hang DCMTK's decoder.
  PIXELDEX_RETURN_IF_ERROR(thumbnail::CheckDcmtkDecodable(dataset));
  const OFCondition cond = dataset.chooseRepresentation(target, nullptr);
  if (cond.bad() || !dataset.canWriteXfer(target)) {
    return Status::Unsupported(std::string("cannot convert from ") +
                               DcmXfer(dataset.getOriginalXfer()).getXferName() + " to " +
                               DcmXfer(target).getXferName() +
                               (cond.bad() ? std::string(": ") + cond.text() : std::string()));
  }
  return Status::Ok();
}

}  // namespace pixeldex::server

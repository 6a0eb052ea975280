#include "server/tls/tls_transport.h"

#include <filesystem>

#include <dcmtk/dcmtls/tlslayer.h>

namespace pixeldex::server {
namespace {

Status FromCondition(const std::string& what, const OFCondition& cond) {
  return Status::InvalidArgument(what + ": " + cond.text());
}

Status RequireReadableFile(const std::string& key, const std::string& path) {
  if (path.empty()) return Status::InvalidArgument(key + " must name a PEM file when TLS is used");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::InvalidArgument(key + ": cannot read " + path);
  }
  return Status::Ok();
}

DcmCertificateVerification VerificationOf(PeerVerification mode) {
  switch (mode) {
    case PeerVerification::kRequire: return DCV_requireCertificate;
    case PeerVerification::kRequest: return DCV_checkCertificate;
    case PeerVerification::kNone: break;
  }
  return DCV_ignoreCertificate;
}

// PS3.15 B.10 (Non-Downgrading BCP 195: TLS 1.2+, AES-GCM suites) or B.9
// (BCP 195, which may fall back to older versions and suites).
DcmTLSSecurityProfile ProfileOf(TlsProfile profile) {
  return profile == TlsProfile::kBcp195 ? TSP_Profile_BCP195 : TSP_Profile_BCP195_ND;
}

}  // namespace

TlsTransport::TlsTransport(std::unique_ptr<DcmTLSTransportLayer> layer) : layer_(std::move(layer)) {}

TlsTransport::~TlsTransport() = default;

Result<std::unique_ptr<TlsTransport>> TlsTransport::Create(const TlsSettings& settings,
                                                           T_ASC_NetworkRole role) {
  auto layer = std::make_unique<DcmTLSTransportLayer>(role, nullptr, OFTrue);
  if (!*layer) return Status::Internal("cannot initialise OpenSSL for TLS");

  // An acceptor must authenticate itself; a requestor may (client certificate).
  const bool has_identity = !settings.certificate.empty() || !settings.private_key.empty();
  if (role == NET_ACCEPTOR || has_identity) {
    PIXELDEX_RETURN_IF_ERROR(RequireReadableFile("tls.certificate", settings.certificate));
    PIXELDEX_RETURN_IF_ERROR(RequireReadableFile("tls.private_key", settings.private_key));
    OFCondition cond = layer->setCertificateFile(settings.certificate.c_str(), DCF_Filetype_PEM);
    if (cond.bad()) return FromCondition("tls.certificate " + settings.certificate, cond);
    cond = layer->setPrivateKeyFile(settings.private_key.c_str(), DCF_Filetype_PEM);
    if (cond.bad()) return FromCondition("tls.private_key " + settings.private_key, cond);
    if (!layer->checkPrivateKeyMatchesCertificate()) {
      return Status::InvalidArgument("tls.private_key does not match tls.certificate");
    }
  }
  if (settings.verify_peer != PeerVerification::kNone || !settings.ca_file.empty()) {
    PIXELDEX_RETURN_IF_ERROR(RequireReadableFile("tls.ca_file", settings.ca_file));
    OFCondition cond = layer->addTrustedCertificateFile(settings.ca_file.c_str(), DCF_Filetype_PEM);
    if (cond.bad()) return FromCondition("tls.ca_file " + settings.ca_file, cond);
  }
  OFCondition cond = layer->setTLSProfile(ProfileOf(settings.profile));
  if (cond.good()) cond = layer->activateCipherSuites();
  if (cond.bad()) return FromCondition("tls.profile", cond);
  layer->setCertificateVerification(VerificationOf(settings.verify_peer));
  return std::unique_ptr<TlsTransport>(new TlsTransport(std::move(layer)));
}

Status TlsTransport::InstallOn(T_ASC_Network* network) {
  OFCondition cond = ASC_setTransportLayer(network, layer_.get(), 0);
  return cond.good() ? Status::Ok() : Status::Internal(std::string("cannot use TLS: ") + cond.text());
}

DcmTransportLayer& TlsTransport::layer() { return *layer_; }

Status TlsTransport::UseFor(T_ASC_Parameters* params) {
  OFCondition cond = ASC_setTransportLayerType(params, OFTrue);
  return cond.good() ? Status::Ok() : Status::Internal(std::string("cannot use TLS: ") + cond.text());
}

}  // namespace pixeldex::server

#pragma once
// Presentation context negotiation (PS3.8 9.3.2.2, PS3.7 D.3.2): which
// abstract syntaxes pixeldex serves and in which transfer syntaxes. Storage
// instances are kept exactly as received, so every transfer syntax DCMTK can
// write a Part-10 meta header for is accepted for storage; query models use
// the uncompressed syntaxes only. For C-GET, storage contexts proposed with
// the SCP role for the requestor (PS3.7 D.3.3.4) are accepted with that role
// (uncompressed preferred, like storage),
// so that C-STORE sub-operations can go back on the same association.

#include <dcmtk/dcmnet/assoc.h>

#include <string>
#include <vector>

namespace pixeldex::server {

struct NegotiationPolicy {
  // Accept storage of SOP classes DCMTK does not know (any valid UID proposed
  // that is not one of the other services).
  bool accept_unknown_sop_classes = false;
  // Services the caller is permitted (access control); Verification always is.
  bool allow_store = true;
  bool allow_find = true;
  bool allow_retrieve = true;
};

// Transfer syntaxes accepted for C-STORE, in order of preference.
const std::vector<const char*>& StorageTransferSyntaxes();
// Transfer syntaxes accepted for Verification and Query/Retrieve.
const std::vector<const char*>& UncompressedTransferSyntaxes();
// The non-storage services offered: Verification and the C-FIND, C-GET and
// C-MOVE models (Patient Root and Study Root).
const std::vector<const char*>& ServiceSopClasses();

// Accepts the proposed contexts pixeldex supports and refuses the others
// with the right reason (abstract syntax / transfer syntaxes not supported).
OFCondition AcceptPresentationContexts(T_ASC_Parameters* params, const NegotiationPolicy& policy);

// After AcceptPresentationContexts: the contexts not accepted, one entry
// each as storescu -v names them (PS3.8 9.3.3.2 result/reason), e.g.
//   "1 of 2 presentation contexts rejected: #3
//    FINDModalityWorklistInformationModel (1.2.840.10008.5.1.4.31) in
//    [LittleEndianExplicit (1.2.840.10008.1.2.1)]: abstract syntax not
//    supported"
// Empty when every context was accepted.
std::string DescribeRejectedContexts(T_ASC_Parameters* params);

}  // namespace pixeldex::server

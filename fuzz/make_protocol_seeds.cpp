// Writes protocol_fuzzer's seed corpus into the directory given: association
// requests followed by C-ECHO, C-FIND and C-STORE requests, the attacks of
// issue 13 (a repeated Command Field, a data set on another context, a
// presentation context bomb), and bare command sets. Each seed is a chunk
// size byte followed by the bytes (protocol_fuzzer.cpp).

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/upper_layer_bytes.h"

namespace {

namespace fs = std::filesystem;
using namespace pixeldex::testing;

constexpr const char* kCt = "1.2.840.10008.5.1.4.1.1.2";
constexpr const char* kVerification = "1.2.840.10008.1.1";
constexpr const char* kStudyFind = "1.2.840.10008.5.1.4.1.2.2.1";

void WriteSeed(const fs::path& dir, const std::string& name, char chunk, const std::string& bytes) {
  std::ofstream(dir / name, std::ios::binary) << chunk << bytes;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_protocol_seeds DIR\n");
    return 2;
  }
  const fs::path dir = argv[1];
  fs::create_directories(dir);
  const std::string associate = AssociateRequestPdu(
      "PIXELDEX", "MODALITY", {{1, kCt}, {3, kVerification}, {5, kStudyFind}},
      UpperLayerItem(0x52, "1.2.3.4") + UpperLayerItem(0x55, "FUZZ"));
  const std::string echo = PDataPdu(RequestCommandSet(0x0030, kVerification, false), 3, true, true);
  const std::string find = PDataPdu(RequestCommandSet(0x0020, kStudyFind), 5, true, true) +
                           PDataPdu(std::string("\x08\x00\x52\x00\x06\x00\x00\x00STUDY ", 14), 5,
                                    false, true);
  const std::string store = PDataPdu(RequestCommandSet(0x0001, kCt), 1, true, true) +
                            PDataPdu(std::string(64, 'x'), 1, false, false) +
                            PDataPdu(std::string(64, 'y'), 1, false, true);
  const std::string release = std::string{'\x05', '\0'} + Be32(4) + std::string(4, '\0');
  WriteSeed(dir, "echo", 7, associate + echo + release);
  WriteSeed(dir, "find", 3, associate + find);
  WriteSeed(dir, "store", 64, associate + store + echo);
  const std::string repeated = CommandElement(0x0002, UidValue(kStudyFind)) +
                               CommandElement(0x0100, Le16(0x0020)) +
                               CommandElement(0x0100, Le16(0x0001)) +
                               CommandElement(0x0800, Le16(0));
  WriteSeed(dir, "repeated_command_field", 1, associate + PDataPdu(repeated, 3, true, true));
  WriteSeed(dir, "data_on_other_context", 5,
            associate + PDataPdu(RequestCommandSet(0x0001, kCt), 1, true, true) +
                PDataPdu("xxxx", 5, false, true));
  std::vector<ProposedContext> many;
  for (int i = 0; i < 130; ++i) many.push_back({static_cast<uint8_t>(2 * (i % 128) + 1), kCt});
  WriteSeed(dir, "context_bomb", 200, AssociateRequestPdu("PIXELDEX", "MODALITY", many));
  WriteSeed(dir, "command_find", 1, RequestCommandSet(0x0020, kStudyFind));
  WriteSeed(dir, "command_echo", 1, RequestCommandSet(0x0030, kVerification, false));
  WriteSeed(dir, "command_repeated", 1, repeated);
  return 0;
}

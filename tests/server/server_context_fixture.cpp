#include "tests/server/server_context_fixture.h"

#include <filesystem>

namespace pixeldex::testing {

std::unique_ptr<DcmDataset> Identifier(
    std::initializer_list<std::pair<DcmTagKey, std::string>> elements) {
  auto identifier = std::make_unique<DcmDataset>();
  for (const auto& [tag, value] : elements) identifier->putAndInsertString(tag, value.c_str());
  return identifier;
}

void ServerContextFixture::SetUp() {
  ASSERT_TRUE(store_.Initialize().ok());
  auto writer = index::IndexWriter::Open(index_path_);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  writer_ = std::move(writer).value();
  settings_.network.aet = "PIXELDEX";
  UseDuplicatePolicy(ingest::DuplicatePolicy::kReplace);
  auto reader = readers_.Acquire();
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  reader_.emplace(std::move(reader).value());
}

void ServerContextFixture::UseDuplicatePolicy(ingest::DuplicatePolicy policy) {
  ingest::IngestOptions options;
  options.duplicates = policy;
  options.thumbnails = false;
  pipeline_ = std::make_unique<ingest::IngestPipeline>(store_, *writer_, options);
  context_ = std::make_unique<server::ServerContext>(server::ServerContext{
      settings_, access_, *pipeline_, store_, *writer_, [this] { return readers_.Acquire(); },
      [this]() -> Result<std::unique_ptr<query::IndexReader>> {
        auto lease = readers_.Acquire();
        if (!lease.ok()) return lease.status();
        return std::unique_ptr<query::IndexReader>(
            std::make_unique<query::SqliteIndexReader>(std::move(lease).value()));
      },
      stopping_, metrics_});
}

storage::IncomingFile ServerContextFixture::Incoming(const TestInstance& t) {
  storage::IncomingFile incoming = storage::NewIncomingFile(store_);
  WriteTestInstance(incoming.path(), t);
  return incoming;
}

void ServerContextFixture::Catalog(const TestInstance& t) {
  ingest::IngestRequest request;
  request.incoming_path = Incoming(t).Release();
  request.provenance.source = ProvenanceSource::kNetwork;
  auto outcome = pipeline_->Ingest(request);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
}

Result<query::IndexReader*> ServerContextFixture::FindReader() {
  if (!find_reader_) find_reader_.emplace(reader_->db());
  return &*find_reader_;
}

long long ServerContextFixture::Events(const std::string& kind) const {
  return probe_.Count("SELECT COUNT(*) FROM events WHERE kind = ?", {kind});
}

size_t ServerContextFixture::IncomingFiles() const {
  size_t count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(store_.layout().IncomingDir())) {
    if (entry.is_regular_file()) ++count;
  }
  return count;
}

}  // namespace pixeldex::testing

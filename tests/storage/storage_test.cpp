// Storage layout, UID path safety and durable placement.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>

#include "catalog/storage/file_store.h"
#include "catalog/storage/incoming_file.h"
#include "catalog/storage/sha256.h"
#include "catalog/storage/storage_layout.h"
#include "tests/support/faulty_file_system.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::storage {
namespace {

namespace fs = std::filesystem;

TEST(StorageLayoutTest, ValidUidsBecomePathComponentsVerbatim) {
  StorageLayout layout("/archive");
  EXPECT_EQ(layout.RelativePathFor("1.2.3", "1.2.3.4", "1.2.3.4.5"), "1.2.3/1.2.3.4/1.2.3.4.5.dcm");
}

TEST(StorageLayoutTest, HostileUidsAreMappedToHashedNames) {
  for (const std::string& uid : std::vector<std::string>{"../..", "..", ".", "a/b", "/etc/passwd", "1..2", ".1.2", "1.2.",
                                "1.2.3\\4", "", std::string(65, '1'), "1.2.3 ", "1.2\n3"}) {
    SCOPED_TRACE(uid);
    EXPECT_FALSE(StorageLayout::IsPathSafeUid(uid));
    const std::string component = StorageLayout::ComponentFor(uid);
    EXPECT_EQ(component.size(), 33u);
    EXPECT_EQ(component[0], 'x');
    EXPECT_EQ(component.find_first_not_of("x0123456789abcdef"), std::string::npos);
  }
  // Different hostile UIDs do not collide.
  EXPECT_NE(StorageLayout::ComponentFor("../a"), StorageLayout::ComponentFor("../b"));
}

TEST(StorageLayoutTest, RecordedPathsAreRelativeBelowTheRootAndAbsoluteElsewhere) {
  for (const std::string root : {"/archive/storage", "/archive/storage/"}) {
    SCOPED_TRACE(root);
    StorageLayout layout(root);
    EXPECT_EQ(layout.RecordedPath("/archive/storage/1.2/3.4/5.6.dcm"), "1.2/3.4/5.6.dcm");
    EXPECT_EQ(layout.RecordedPath("/archive/storage/a/../b/./c.dcm"), "b/c.dcm");
    EXPECT_EQ(layout.RecordedPath("/archive/elsewhere/c.dcm"), "/archive/elsewhere/c.dcm");
    EXPECT_EQ(layout.RecordedPath("/archive/storage/../storage2/c.dcm"),
              "/archive/storage2/c.dcm");
    EXPECT_EQ(layout.RecordedPath("/archive/storage/.incoming/1-2-3.part"),
              "/archive/storage/.incoming/1-2-3.part");
    EXPECT_EQ(layout.FileOf("1.2/3.4/5.6.dcm"), fs::path(root) / "1.2/3.4/5.6.dcm");
    EXPECT_EQ(layout.FileOf("/archive/elsewhere/c.dcm"), fs::path("/archive/elsewhere/c.dcm"));
  }
  // A relative root is taken relative to the working directory.
  StorageLayout relative("var/storage");
  EXPECT_EQ(relative.RecordedPath(fs::current_path() / "var/storage/x.dcm"), "x.dcm");
}

TEST(StorageLayoutTest, DicomUidValidityFollowsPs35) {
  EXPECT_TRUE(IsValidDicomUid("1.2.840.10008.1.2.1"));
  EXPECT_TRUE(IsValidDicomUid("1.0.3"));  // a single zero is a valid component
  EXPECT_FALSE(IsValidDicomUid("1.02.3"));  // leading zero
  EXPECT_TRUE(StorageLayout::IsPathSafeUid("1.02.3"));  // but safe on disk
  EXPECT_TRUE(IsValidDicomUid(std::string(64, '1')));
  EXPECT_FALSE(IsValidDicomUid(std::string(65, '1')));
}

TEST(StorageLayoutTest, DeletingNamesRoundTripAnyUid) {
  for (const std::string& uid :
       std::vector<std::string>{"1.2.3", "../../etc/passwd", "a/b", std::string(64, '9')}) {
    const std::string relative = StorageLayout::DeletingRelativePath(uid);
    EXPECT_EQ(relative.rfind(".deleting/", 0), 0u);
    EXPECT_EQ(relative.find('/', 10), std::string::npos) << relative;
    EXPECT_EQ(StorageLayout::UidOfDeletingName(relative.substr(10)), uid);
  }
  for (const char* other : {"", ".dcm", "abc.dcm", "zz.dcm", "3132.part", "313.dcm"}) {
    EXPECT_EQ(StorageLayout::UidOfDeletingName(other), "") << other;
  }
}

TEST(Sha256Test, MatchesTheKnownDigest) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  pixeldex::testing::TempDir dir;
  std::ofstream(dir / "f") << "abc";
  auto digest = Sha256OfFile(dir / "f");
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(*digest, Sha256Hex("abc"));
  EXPECT_FALSE(Sha256OfFile(dir / "missing").ok());
}

TEST(Sha256Test, BytesHashedInPiecesHashLikeTheWhole) {
  const std::string bytes(300000, 'x');
  Sha256Hasher hasher;
  hasher.Update(bytes.data(), 1);
  hasher.Update(bytes.data() + 1, 65535);
  hasher.Update(bytes.data() + 65536, bytes.size() - 65536);
  EXPECT_EQ(hasher.HexDigest(), Sha256Hex(bytes));
  hasher.Update("abc", 3);  // starts over after a digest
  EXPECT_EQ(hasher.HexDigest(), Sha256Hex("abc"));
}

class FileStoreTest : public ::testing::Test {
 protected:
  // The pipeline's order: fsync the incoming file, then commit it.
  Status SyncAndCommit(const std::string& incoming, const std::string& relative_path) {
    auto synced = store_.SyncIncoming(incoming);
    if (!synced.ok()) return synced.status();
    return store_.Commit(*synced, relative_path);
  }

  pixeldex::testing::TempDir dir_;
  FileStore store_{StorageLayout(dir_.path() / "root")};
};

TEST_F(FileStoreTest, CommitPutsTheFileInPlaceAndKeepsItsIncomingNameAsTheJournalEntry) {
  ASSERT_TRUE(store_.Initialize().ok());
  const std::string incoming = store_.NewIncomingPath();
  std::ofstream(incoming) << "payload";
  ASSERT_TRUE(SyncAndCommit(incoming, "1.2/3.4/5.6.dcm").ok());
  const fs::path stored = dir_.path() / "root/1.2/3.4/5.6.dcm";
  std::ifstream in(stored);
  std::string content;
  in >> content;
  EXPECT_EQ(content, "payload");
  // One file, two names: the incoming one says it may lack rows.
  EXPECT_TRUE(fs::equivalent(incoming, stored));
  EXPECT_EQ(fs::hard_link_count(stored), 2u);
  EXPECT_EQ(store_.JournalEntries(), std::vector<std::string>{incoming});
  // Nothing else is left beside the file (the link renamed over it).
  EXPECT_EQ(std::distance(fs::directory_iterator(stored.parent_path()), fs::directory_iterator()),
            1);
  // A start leaves journal entries to reconcile; their owner drops them.
  EXPECT_EQ(*store_.Initialize(), 0);
  EXPECT_TRUE(fs::exists(incoming));
  store_.Discard(incoming);
  EXPECT_TRUE(store_.JournalEntries().empty());
  EXPECT_EQ(fs::hard_link_count(stored), 1u);
}

TEST_F(FileStoreTest, CommitReplacesAnExistingFileAtomically) {
  ASSERT_TRUE(store_.Initialize().ok());
  for (const char* text : {"old", "new"}) {
    const std::string incoming = store_.NewIncomingPath();
    std::ofstream(incoming) << text;
    ASSERT_TRUE(SyncAndCommit(incoming, "a/b.dcm").ok());
  }
  std::ifstream in(dir_.path() / "root/a/b.dcm");
  std::string content;
  in >> content;
  EXPECT_EQ(content, "new");
}

TEST_F(FileStoreTest, CommitRefusesPathsThatLeaveTheRoot) {
  ASSERT_TRUE(store_.Initialize().ok());
  for (const std::string& bad : std::vector<std::string>{"../escape.dcm", "a/../../escape.dcm", "/tmp/escape.dcm", ""}) {
    const std::string incoming = store_.NewIncomingPath();
    std::ofstream(incoming) << "x";
    EXPECT_FALSE(SyncAndCommit(incoming, bad).ok()) << bad;
  }
  EXPECT_FALSE(fs::exists(dir_.path() / "escape.dcm"));
}

TEST_F(FileStoreTest, SyncIncomingOfAMissingFileFails) {
  ASSERT_TRUE(store_.Initialize().ok());
  EXPECT_EQ(store_.SyncIncoming(store_.NewIncomingPath()).status().code(),
            Status::Code::kNotFound);
}

TEST_F(FileStoreTest, InitializeRemovesLeftoverIncomingFiles) {
  ASSERT_TRUE(store_.Initialize().ok());
  std::ofstream(store_.NewIncomingPath()) << "half";
  std::ofstream(store_.NewIncomingPath()) << "written";
  auto removed = store_.Initialize();
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 2);
  EXPECT_TRUE(fs::is_empty(store_.layout().IncomingDir()));
}

// A leftover named like a pid but too large for one (it used to throw
// std::out_of_range out of Initialize, ending the server's start) is
// nobody's: it is removed like any other leftover.
TEST_F(FileStoreTest, InitializeRemovesALeftoverWhosePidDoesNotFit) {
  ASSERT_TRUE(store_.Initialize().ok());
  std::ofstream(store_.layout().IncomingDir() / "99999999999999999999999-1-0.part") << "x";
  auto removed = store_.Initialize();
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, 1);
  EXPECT_TRUE(fs::is_empty(store_.layout().IncomingDir()));
}

TEST_F(FileStoreTest, AnIncomingFileIsRemovedByItsOwnerUnlessReleased) {
  ASSERT_TRUE(store_.Initialize().ok());
  std::string dropped, moved, released;
  {
    IncomingFile first = NewIncomingFile(store_);
    dropped = first.path();
    std::ofstream(dropped) << "a";
    IncomingFile second = NewIncomingFile(store_);
    std::ofstream(second.path()) << "b";
    IncomingFile owner = std::move(second);  // the new owner, alone, removes it
    moved = owner.path();
    IncomingFile third = NewIncomingFile(store_);
    std::ofstream(third.path()) << "c";
    released = std::move(third).Release();
    EXPECT_TRUE(third.path().empty());
  }
  EXPECT_FALSE(fs::exists(dropped));
  EXPECT_FALSE(fs::exists(moved));
  EXPECT_TRUE(fs::exists(released));  // its next owner's to remove
}

TEST_F(FileStoreTest, AnIncomingFileNeverCreatedIsNoError) {
  ASSERT_TRUE(store_.Initialize().ok());
  { IncomingFile unused = NewIncomingFile(store_); }
  EXPECT_TRUE(fs::is_empty(store_.layout().IncomingDir()));
}

TEST_F(FileStoreTest, RemoveDeletesACommittedFile) {
  ASSERT_TRUE(store_.Initialize().ok());
  const std::string incoming = store_.NewIncomingPath();
  std::ofstream(incoming) << "x";
  ASSERT_TRUE(SyncAndCommit(incoming, "s/i.dcm").ok());
  EXPECT_TRUE(store_.Remove("s/i.dcm").ok());
  EXPECT_FALSE(fs::exists(dir_.path() / "root/s/i.dcm"));
  EXPECT_EQ(store_.Remove("s/i.dcm").code(), Status::Code::kNotFound);
}

// A symbolic link planted inside the tree, pointing outside it.
class FileStoreSymlinkTest : public FileStoreTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(store_.Initialize().ok());
    fs::create_directories(outside_);
  }
  bool OutsideIsEmpty() const { return fs::is_empty(outside_); }
  std::string Incoming(const std::string& text) {
    const std::string incoming = store_.NewIncomingPath();
    std::ofstream(incoming) << text;
    return incoming;
  }
  static void ExpectNamesTheLink(const Status& s) {
    EXPECT_EQ(s.code(), Status::Code::kIoError) << s.ToString();
    EXPECT_NE(s.message().find("symbolic link in the storage tree"), std::string::npos)
        << s.ToString();
  }
  fs::path root_ = dir_.path() / "root";
  fs::path outside_ = dir_.path() / "outside";
};

TEST_F(FileStoreSymlinkTest, ALinkedStudyOrSeriesDirectoryIsNeverWrittenThrough) {
  fs::create_directory_symlink(outside_, root_ / "1.2");
  ExpectNamesTheLink(SyncAndCommit(Incoming("x"), "1.2/3.4/5.6.dcm"));
  fs::create_directories(root_ / "7.8");
  fs::create_directory_symlink(outside_, root_ / "7.8/9.10");
  ExpectNamesTheLink(SyncAndCommit(Incoming("x"), "7.8/9.10/11.dcm"));
  EXPECT_TRUE(OutsideIsEmpty());
}

TEST_F(FileStoreSymlinkTest, ALinkInPlaceOfTheFileIsReplacedNotWrittenThrough) {
  fs::create_directories(root_ / "1.2/3.4");
  std::ofstream(outside_ / "victim") << "precious";
  fs::create_symlink(outside_ / "victim", root_ / "1.2/3.4/5.6.dcm");
  ASSERT_TRUE(SyncAndCommit(Incoming("stored"), "1.2/3.4/5.6.dcm").ok());
  EXPECT_FALSE(fs::is_symlink(root_ / "1.2/3.4/5.6.dcm"));
  std::string content;
  std::ifstream(outside_ / "victim") >> content;
  EXPECT_EQ(content, "precious");
}

TEST_F(FileStoreSymlinkTest, RemoveDoesNotFollowALink) {
  fs::create_directories(outside_ / "3.4");
  std::ofstream(outside_ / "3.4/5.6.dcm") << "precious";
  fs::create_directory_symlink(outside_, root_ / "1.2");
  ExpectNamesTheLink(store_.Remove("1.2/3.4/5.6.dcm"));
  EXPECT_TRUE(fs::exists(outside_ / "3.4/5.6.dcm"));
}

TEST_F(FileStoreSymlinkTest, AnIncomingDirectoryThatIsALinkStopsTheStart) {
  fs::remove_all(root_ / ".incoming");
  fs::create_directory_symlink(outside_, root_ / ".incoming");
  const auto started = store_.Initialize();
  EXPECT_EQ(started.status().code(), Status::Code::kIoError);
  EXPECT_NE(started.status().message().find("symbolic link"), std::string::npos);
}

TEST_F(FileStoreSymlinkTest, ARootThatIsALinkIsFine) {
  // The operator chose the root; only links below it are refused.
  FileStore linked{StorageLayout(dir_.path() / "root-link")};
  fs::create_directory_symlink(root_, dir_.path() / "root-link");
  ASSERT_TRUE(linked.Initialize().ok());
  const std::string incoming = linked.NewIncomingPath();
  std::ofstream(incoming) << "x";
  auto synced = linked.SyncIncoming(incoming);
  ASSERT_TRUE(synced.ok());
  EXPECT_TRUE(linked.Commit(*synced, "1.2/3.4/5.6.dcm").ok());
  EXPECT_TRUE(fs::exists(root_ / "1.2/3.4/5.6.dcm"));
}

// The store holds its incoming directory open (file_store.h): one moved
// away and replaced by a link while the store lives does not redirect it.
// The file written by path lands outside; its fsync does not find it and its
// removal does not reach it.
TEST_F(FileStoreSymlinkTest, AnIncomingDirectoryReplacedByALinkLaterIsNotActedThrough) {
  fs::rename(root_ / ".incoming", root_ / "moved-away");
  fs::create_directory_symlink(outside_, root_ / ".incoming");
  const std::string incoming = Incoming("x");
  const fs::path landed = outside_ / fs::path(incoming).filename();
  ASSERT_TRUE(fs::exists(landed));
  EXPECT_EQ(store_.SyncIncoming(incoming).status().code(), Status::Code::kNotFound);
  store_.Discard(incoming);
  EXPECT_TRUE(fs::exists(landed));
}

TEST_F(FileStoreSymlinkTest, AStepTakesOnlyANameInItsDirectory) {
  FileSystem& real = RealFileSystem();
  auto root = real.OpenRoot(root_);
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  std::ofstream(root_ / "file") << "x";
  fs::create_directories(root_ / "a");
  for (const std::string name : {"../escaped", "a/escaped", "..", ".", ""}) {
    EXPECT_EQ(real.LinkAt(*root, "file", *root, name).code(), Status::Code::kInvalidArgument) << name;
    EXPECT_EQ(real.RenameAt(*root, "file", *root, name).code(), Status::Code::kInvalidArgument)
        << name;
    EXPECT_EQ(real.CreateDirectoryAt(*root, name).code(), Status::Code::kInvalidArgument) << name;
    EXPECT_EQ(real.OpenSubdirectory(*root, name).status().code(), Status::Code::kInvalidArgument)
        << name;
  }
  EXPECT_EQ(real.RemoveFileAt(*root, "../root/file").code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(fs::exists(root_ / "file"));
  EXPECT_FALSE(fs::exists(dir_.path() / "escaped"));
  EXPECT_FALSE(fs::exists(root_ / "a/escaped"));
}

class FileStoreDurabilityTest : public ::testing::Test {
 protected:
  Status Store(const std::string& relative_path) {
    const std::string incoming = store_.NewIncomingPath();
    std::ofstream(incoming) << "x";
    auto synced = store_.SyncIncoming(incoming);
    if (!synced.ok()) return synced.status();
    return store_.Commit(*synced, relative_path);
  }
  int SyncsOf(const fs::path& path) const {
    const auto synced = fs_.SyncedPaths();
    return static_cast<int>(std::count(synced.begin(), synced.end(), path.string()));
  }

  pixeldex::testing::TempDir dir_;
  pixeldex::testing::FaultyFileSystem fs_;
  fs::path root_ = dir_.path() / "root";
  FileStore store_{StorageLayout(root_), fs_};
};

// The ingest pipeline fsyncs a small file through the descriptor it read it
// with: the same step of the file system (a fault there fails it), the
// descriptor left open, and only for a file of the incoming directory.
TEST_F(FileStoreDurabilityTest, SyncIncomingThroughAnOpenDescriptor) {
  using Op = pixeldex::testing::FaultyFileSystem::Op;
  ASSERT_TRUE(store_.Initialize().ok());
  const std::string incoming = store_.NewIncomingPath();
  std::ofstream(incoming) << "x";
  const int fd = ::open(incoming.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  const int syncs_before = fs_.Calls(Op::kSync);
  auto synced = store_.SyncIncoming(incoming, fd);
  ASSERT_TRUE(synced.ok()) << synced.status().ToString();
  EXPECT_EQ(synced->path(), incoming);
  EXPECT_EQ(fs_.Calls(Op::kSync), syncs_before + 1);
  EXPECT_EQ(SyncsOf(incoming), 1);
  EXPECT_EQ(::fcntl(fd, F_GETFD), FD_CLOEXEC);  // still open
  fs_.FailOnce(Op::kSync);
  const auto failed = store_.SyncIncoming(incoming, fd);
  EXPECT_EQ(failed.status().code(), Status::Code::kIoError) << failed.status().ToString();
  EXPECT_EQ(store_.SyncIncoming((dir_.path() / "elsewhere.part").string(), fd).status().code(),
            Status::Code::kInvalidArgument);
  ::close(fd);
}

TEST_F(FileStoreDurabilityTest, ADirectoryAnotherCommitCreatedHasItsParentSynced) {
  ASSERT_TRUE(store_.Initialize().ok());
  // Another association's mkdir won the race (EEXIST here) and has not
  // synced the root yet: answering this commit must not wait on it.
  ASSERT_TRUE(fs::create_directory(root_ / "1.2"));
  ASSERT_TRUE(Store("1.2/3.4/5.dcm").ok());
  EXPECT_EQ(SyncsOf(root_), 1);
  EXPECT_EQ(SyncsOf(root_ / "1.2"), 1);  // for the new series directory
  // Once known durable, a directory's parent is not synced again.
  ASSERT_TRUE(Store("1.2/3.4/6.dcm").ok());
  ASSERT_TRUE(Store("1.2/7.8/9.dcm").ok());
  EXPECT_EQ(SyncsOf(root_), 1);
  EXPECT_EQ(SyncsOf(root_ / "1.2"), 2);
}

// A commit walks to its directory once, not once per step (link, rename,
// fsync), and the incoming directory stays open: a commit into an existing
// series opens the root, the study and the series directories; the incoming
// file's fsync and its removal open none. The series directory is still
// synced last.
TEST_F(FileStoreDurabilityTest, ACommitOpensEachDirectoryOnItsWayOnce) {
  using Op = pixeldex::testing::FaultyFileSystem::Op;
  ASSERT_TRUE(store_.Initialize().ok());
  ASSERT_TRUE(Store("1.2/3.4/5.dcm").ok());
  const int opened = fs_.Calls(Op::kOpenDirectory);
  const std::string incoming = store_.NewIncomingPath();
  std::ofstream(incoming) << "x";
  auto synced = store_.SyncIncoming(incoming);
  ASSERT_TRUE(synced.ok()) << synced.status().ToString();
  EXPECT_EQ(fs_.Calls(Op::kOpenDirectory), opened);
  ASSERT_TRUE(store_.Commit(*synced, "1.2/3.4/6.dcm").ok());
  EXPECT_EQ(fs_.Calls(Op::kOpenDirectory), opened + 3);
  EXPECT_EQ(fs_.SyncedPaths().back(), (root_ / "1.2/3.4").string());
  store_.Discard(incoming);
  EXPECT_EQ(fs_.Calls(Op::kOpenDirectory), opened + 3);
  EXPECT_FALSE(fs::exists(incoming));
  EXPECT_TRUE(fs::exists(root_ / "1.2/3.4/6.dcm"));
}

TEST_F(FileStoreDurabilityTest, AFailedParentSyncIsRetriedByTheNextCommit) {
  ASSERT_TRUE(store_.Initialize().ok());
  fs_.FailOnce(pixeldex::testing::FaultyFileSystem::Op::kSync, /*skip=*/1);  // after the file's
  EXPECT_FALSE(Store("1.2/3.4/5.dcm").ok());
  ASSERT_TRUE(fs::exists(root_ / "1.2"));  // made, but its entry may not be durable
  ASSERT_TRUE(Store("1.2/3.4/6.dcm").ok());
  EXPECT_EQ(SyncsOf(root_), 2);  // the failed sync, then the retry
}

// CommitWhileSyncing: the file's fsync is a deferred task here, so it runs
// where the commit joins it; what it sees then is the order of the flushes.
TEST_F(FileStoreDurabilityTest, ANewNameIsPlacedAndItsDirectorySyncedBeforeTheFilesSyncIsJoined) {
  ASSERT_TRUE(store_.Initialize().ok());
  const std::string incoming = store_.NewIncomingPath();
  std::ofstream(incoming) << "x";
  const fs::path series = root_ / "1.2/3.4";
  bool placed_before = false;
  int directory_syncs_before = 0;
  FileStore::PendingSync file_sync = std::async(std::launch::deferred, [&] {
    placed_before = fs::exists(series / "5.dcm");
    directory_syncs_before = SyncsOf(series);
    return store_.SyncIncoming(incoming);
  });
  const auto placed = store_.CommitWhileSyncing(incoming, file_sync, "1.2/3.4/5.dcm");
  ASSERT_TRUE(placed.ok()) << placed.status().ToString();
  EXPECT_EQ(*placed, FileStore::Placement::kNew);
  // A new name is the file's second link, made at once: nothing renamed.
  EXPECT_EQ(fs_.Calls(pixeldex::testing::FaultyFileSystem::Op::kRename), 0);
  EXPECT_EQ(fs::hard_link_count(series / "5.dcm"), 2u);
  EXPECT_FALSE(file_sync.valid());  // joined before the answer
  // One flush did not wait for the other (issue 20)...
  EXPECT_TRUE(placed_before);
  EXPECT_EQ(directory_syncs_before, 1);
  // ...and both happened.
  EXPECT_EQ(SyncsOf(series), 1);
  EXPECT_EQ(fs_.SyncedPaths().size(), 5u);  // incoming dir, root, study, series, file
}

TEST_F(FileStoreDurabilityTest, AReplacementWaitsForTheFilesSyncBeforeTheRename) {
  using Op = pixeldex::testing::FaultyFileSystem::Op;
  ASSERT_TRUE(store_.Initialize().ok());
  ASSERT_TRUE(Store("1.2/3.4/5.dcm").ok());
  const std::string incoming = store_.NewIncomingPath();
  std::ofstream(incoming) << "new";
  const int renames_before = fs_.Calls(Op::kRename);
  int renames_when_synced = -1;
  FileStore::PendingSync file_sync = std::async(std::launch::deferred, [&] {
    renames_when_synced = fs_.Calls(Op::kRename);
    return store_.SyncIncoming(incoming);
  });
  const auto placed = store_.CommitWhileSyncing(incoming, file_sync, "1.2/3.4/5.dcm");
  ASSERT_TRUE(placed.ok()) << placed.status().ToString();
  EXPECT_EQ(*placed, FileStore::Placement::kReplaced);
  // The answered older copy was replaced only by a durable file.
  EXPECT_EQ(renames_when_synced, renames_before);
  EXPECT_EQ(fs_.Calls(Op::kRename), renames_before + 1);
  std::ifstream in(root_ / "1.2/3.4/5.dcm");
  std::string content;
  in >> content;
  EXPECT_EQ(content, "new");
}

TEST_F(FileStoreDurabilityTest, AFailedFileSyncTakesTheNewNameBackDurably) {
  ASSERT_TRUE(store_.Initialize().ok());
  const std::string incoming = store_.NewIncomingPath();
  std::ofstream(incoming) << "x";
  // After Initialize: the root's, the study's and the series directory's
  // syncs, then the file's, which fails.
  fs_.FailOnce(pixeldex::testing::FaultyFileSystem::Op::kSync, /*skip=*/3);
  FileStore::PendingSync file_sync =
      std::async(std::launch::deferred, [&] { return store_.SyncIncoming(incoming); });
  const Status committed =
      store_.CommitWhileSyncing(incoming, file_sync, "1.2/3.4/5.dcm").status();
  EXPECT_EQ(committed.code(), Status::Code::kIoError) << committed.ToString();
  EXPECT_NE(committed.message().find("injected fault"), std::string::npos);
  EXPECT_FALSE(file_sync.valid());
  // The name, durable already, is removed and the removal synced.
  EXPECT_FALSE(fs::exists(root_ / "1.2/3.4/5.dcm"));
  EXPECT_EQ(SyncsOf(root_ / "1.2/3.4"), 2);
  EXPECT_TRUE(fs::exists(incoming));  // its owner's to remove
  EXPECT_TRUE(store_.JournalEntries().empty());
}

}  // namespace
}  // namespace pixeldex::storage

// Password hashes (PBKDF2-HMAC-SHA256), credential lists and the
// Authorization header: Basic and Bearer, read-only users, wrong secrets.

#include "server/http/authenticator.h"

#include <gtest/gtest.h>

#include "server/http/password_hash.h"
#include "tests/support/http_client.h"

namespace pixeldex::server {
namespace {

// Few iterations keep the tests quick; the format is the same.
constexpr int kTestIterations = 1000;

std::string Hash(const std::string& secret) { return *HashPassword(secret, kTestIterations); }

TEST(PasswordHashTest, VerifiesTheRightSecretOnly) {
  const std::string hash = Hash("s3cret");
  EXPECT_EQ(hash.rfind("pbkdf2-sha256$1000$", 0), 0u) << hash;
  EXPECT_TRUE(CheckPasswordHash(hash).ok());
  EXPECT_TRUE(VerifyPassword("s3cret", hash));
  EXPECT_FALSE(VerifyPassword("s3cret ", hash));
  EXPECT_FALSE(VerifyPassword("", hash));
  // A fresh salt each time: the same password never gives the same string.
  EXPECT_NE(Hash("s3cret"), hash);
}

TEST(PasswordHashTest, MatchesAKnownPbkdf2Vector) {
  // PBKDF2-HMAC-SHA256, P="passwordPASSWORDpassword",
  // S="saltSALTsaltSALTsaltSALTsaltSALTsalt", c=4096: the widely published
  // vector (348c89db...), checked with Python's hashlib.pbkdf2_hmac.
  const std::string hash =
      "pbkdf2-sha256$4096$c2FsdFNBTFRzYWx0U0FMVHNhbHRTQUxUc2FsdFNBTFRzYWx0$"
      "NIyJ28vTKy8y2BS4EW6EzysXNH68GAAYHE4qH7jdU+E=";
  EXPECT_TRUE(CheckPasswordHash(hash).ok()) << CheckPasswordHash(hash).ToString();
  EXPECT_TRUE(VerifyPassword("passwordPASSWORDpassword", hash));
  EXPECT_FALSE(VerifyPassword("password", hash));
}

TEST(PasswordHashTest, RefusesMalformedAndCheapHashes) {
  for (const char* bad : {"", "plain", "pbkdf2-sha256$10$c2FsdHNhbHQ=$AAAA",
                          "md5$1000$c2FsdHNhbHQ=$xeR41ZKIyEGqUw22hFxMjZYok6ABzk4RpJY4c6qYE0o=",
                          "pbkdf2-sha256$1000$!!$xeR41ZKIyEGqUw22hFxMjZYok6ABzk4RpJY4c6qYE0o=",
                          "pbkdf2-sha256$1000$c2FsdHNhbHQ=$c2hvcnQ="}) {
    EXPECT_FALSE(CheckPasswordHash(bad).ok()) << bad;
    EXPECT_FALSE(VerifyPassword("x", bad)) << bad;
  }
  EXPECT_FALSE(HashPassword("x", 999).ok());
}

TEST(PasswordHashTest, TokensAreLongAndDistinct) {
  auto a = NewToken(), b = NewToken();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 43u);
  EXPECT_NE(*a, *b);
  EXPECT_EQ(a->find_first_of("+/="), std::string::npos);
}

TEST(CredentialsTest, ParsesEntriesAndNamesTheBadOne) {
  const std::string list = "alice:" + Hash("a") + ":rw, bob:" + Hash("b") + ":ro";
  auto parsed = ParseCredentials(list);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].name, "alice");
  EXPECT_FALSE((*parsed)[0].read_only);
  EXPECT_TRUE((*parsed)[1].read_only);
  EXPECT_TRUE(ParseCredentials("")->empty());

  auto bad_mode = ParseCredentials("carol:" + Hash("c") + ":admin");
  ASSERT_FALSE(bad_mode.ok());
  EXPECT_NE(bad_mode.status().message().find("carol"), std::string::npos);
  EXPECT_FALSE(ParseCredentials("dave:plaintext:rw").ok());
  EXPECT_FALSE(ParseCredentials("eve").ok());
}

class AuthenticatorTest : public ::testing::Test {
 protected:
  AuthenticatorTest()
      : auth_(*ParseCredentials("alice:" + Hash("wonderland") + ":rw bob:" + Hash("builder") + ":ro"),
              *ParseCredentials("robot:" + Hash("tok-123") + ":ro")) {}
  Authenticator auth_;
};

TEST_F(AuthenticatorTest, AcceptsBasicAndBearerCredentials) {
  auto alice = auth_.Authenticate(testing::BasicAuthorization("alice", "wonderland"));
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->name, "alice");
  EXPECT_FALSE(alice->read_only);
  auto bob = auth_.Authenticate(testing::BasicAuthorization("bob", "builder"));
  ASSERT_TRUE(bob);
  EXPECT_TRUE(bob->read_only);
  auto robot = auth_.Authenticate("Bearer tok-123");
  ASSERT_TRUE(robot);
  EXPECT_EQ(robot->name, "robot");
  // The scheme is case-insensitive (RFC 9110 11.1); a remembered credential
  // answers the same.
  EXPECT_TRUE(auth_.Authenticate("bearer tok-123"));
  EXPECT_TRUE(auth_.Authenticate(testing::BasicAuthorization("alice", "wonderland")));
}

TEST_F(AuthenticatorTest, RefusesWrongOrMalformedCredentials) {
  EXPECT_FALSE(auth_.Authenticate(""));
  EXPECT_FALSE(auth_.Authenticate(testing::BasicAuthorization("alice", "builder")));
  EXPECT_FALSE(auth_.Authenticate(testing::BasicAuthorization("mallory", "wonderland")));
  // A token is not a password, nor the other way round.
  EXPECT_FALSE(auth_.Authenticate(testing::BasicAuthorization("robot", "tok-123")));
  EXPECT_FALSE(auth_.Authenticate("Bearer wonderland"));
  EXPECT_FALSE(auth_.Authenticate("Basic not-base64!"));
  EXPECT_FALSE(auth_.Authenticate("Digest username=alice"));
  EXPECT_FALSE(auth_.Authenticate("Bearer"));
  EXPECT_FALSE(auth_.Authenticate("Bearer   "));
}

}  // namespace
}  // namespace pixeldex::server

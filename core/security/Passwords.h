#pragma once

#include <QCoreApplication>
#include <QString>
#include <QStringList>

namespace cabas::security {

// Password hashing with Argon2id (libsodium crypto_pwhash_str, at least the INTERACTIVE limits) and the
// password policy of privacy.md: at least 12 characters, of at least three kinds among lower case, upper
// case, digits and other characters.
class Passwords
{
    Q_DECLARE_TR_FUNCTIONS(Passwords)
  public:
    static QString hash(const QString& password);
    static bool verify(const QString& hash, const QString& password);
    // The raw Argon2id hash (libsodium crypto_pwhash, ALG_ARGON2ID13) of a password with the salt and limits
    // of a stored hash: what a PostgreSQL staff login sends to cabas_auth_login (store::PgRoles) instead of
    // reading the stored hash. Throws cabas::Error on parameters libsodium refuses or unreasonable ones.
    static QByteArray rawHash(const QString& password, const QByteArray& salt, quint64 passes,
                              quint64 memoryBytes, int hashBytes);
    // Problems with the password, in the user's language; empty when acceptable.
    static QStringList policyProblems(const QString& password);
    // Throws cabas::Error (Invalid) listing policyProblems(), if any.
    static void requirePolicy(const QString& password);
    // Reads a password from the first line of a file (the CLI's --password-file); throws cabas::Error.
    static QString readPasswordFile(const QString& path);
};

} // namespace cabas::security

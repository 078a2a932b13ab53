#include "security/Passwords.h"

#include "common/Error.h"

#include <QFile>
#include <mutex>
#include <sodium.h>

namespace cabas::security {

namespace {
void ensureSodium()
{
    static std::once_flag once;
    std::call_once(once, [] {
        if (sodium_init() < 0)
            qFatal("Cabas: libsodium could not be initialised");
    });
}
} // namespace

QString Passwords::hash(const QString& password)
{
    ensureSodium();
    const QByteArray utf8 = password.toUtf8();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, utf8.constData(), quint64(utf8.size()), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        throw Error(tr("Not enough memory to hash the password."), Error::Kind::Storage);
    return QString::fromLatin1(out);
}

bool Passwords::verify(const QString& hash, const QString& password)
{
    ensureSodium();
    const QByteArray h = hash.toLatin1();
    const QByteArray utf8 = password.toUtf8();
    if (h.size() >= crypto_pwhash_STRBYTES)
        return false;
    return crypto_pwhash_str_verify(h.constData(), utf8.constData(), quint64(utf8.size())) == 0;
}

QByteArray Passwords::rawHash(const QString& password, const QByteArray& salt, quint64 passes,
                              quint64 memoryBytes, int hashBytes)
{
    ensureSodium();
    // Limits of what a server may ask (the sensitive limits at most: more would be a denial of service).
    if (salt.size() != crypto_pwhash_SALTBYTES || hashBytes < 16 || hashBytes > 64 ||
        passes < crypto_pwhash_OPSLIMIT_MIN || passes > crypto_pwhash_OPSLIMIT_SENSITIVE ||
        memoryBytes < crypto_pwhash_MEMLIMIT_MIN || memoryBytes > crypto_pwhash_MEMLIMIT_SENSITIVE)
        throw Error(tr("The database asked for password hashing parameters Cabas does not accept."),
                    Error::Kind::Storage);
    const QByteArray utf8 = password.toUtf8();
    QByteArray out(hashBytes, '\0');
    if (crypto_pwhash(reinterpret_cast<unsigned char*>(out.data()), quint64(out.size()), utf8.constData(),
                      quint64(utf8.size()), reinterpret_cast<const unsigned char*>(salt.constData()), passes,
                      size_t(memoryBytes), crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw Error(tr("Not enough memory to hash the password."), Error::Kind::Storage);
    return out;
}

QStringList Passwords::policyProblems(const QString& password)
{
    QStringList problems;
    if (password.size() < 12)
        problems << tr("the password must have at least 12 characters");
    int lower = 0, upper = 0, digit = 0, other = 0;
    for (const QChar c : password) {
        if (c.isLower())
            lower = 1;
        else if (c.isUpper())
            upper = 1;
        else if (c.isDigit())
            digit = 1;
        else
            other = 1;
    }
    if (lower + upper + digit + other < 3)
        problems << tr(
            "the password must mix at least three kinds of characters among lower case, upper case, "
            "digits and symbols");
    return problems;
}

void Passwords::requirePolicy(const QString& password)
{
    const QStringList problems = policyProblems(password);
    if (!problems.isEmpty())
        throw Error(tr("The password is not strong enough: %1.").arg(problems.join(QStringLiteral("; "))),
                    Error::Kind::Invalid);
}

QString Passwords::readPasswordFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw Error(tr("Cannot read the password file %1: %2").arg(path, f.errorString()),
                    Error::Kind::Invalid);
    QByteArray line = f.readLine(4096);
    while (line.endsWith('\n') || line.endsWith('\r'))
        line.chop(1);
    if (line.isEmpty())
        throw Error(tr("The password file %1 is empty: its first line must be the password.").arg(path),
                    Error::Kind::Invalid);
    return QString::fromUtf8(line);
}

} // namespace cabas::security

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

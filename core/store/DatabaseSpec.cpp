#include "store/DatabaseSpec.h"

#include "common/Error.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>

namespace cabas::store {

namespace {
// Splits a pgpass line on unescaped colons and removes the escapes.
QStringList splitPgPassLine(const QString& line)
{
    QStringList fields;
    QString current;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (c == QLatin1Char('\\') && i + 1 < line.size()) {
            current += line.at(++i);
        } else if (c == QLatin1Char(':') && fields.size() < 4) {
            fields << current;
            current.clear();
        } else {
            current += c;
        }
    }
    fields << current;
    return fields;
}

// Never echo a password back in a message.
QString maskPassword(QString text)
{
    static const QRegularExpression userInfo(QStringLiteral("^(postgres(?:ql)?://[^:@/]*):[^@/]*@"));
    return text.replace(userInfo, QStringLiteral("\\1:***@"));
}

bool matches(const QString& pattern, const QString& value)
{
    return pattern == QLatin1String("*") || pattern == value;
}
} // namespace

QString lookUpPgPass(const QString& file, const QString& host, int port, const QString& database,
                     const QString& user)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
        return QString();
    while (!f.atEnd()) {
        const QString line = QString::fromUtf8(f.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const QStringList fields = splitPgPassLine(line);
        if (fields.size() != 5)
            continue;
        const bool hostMatches = matches(fields[0], host) || (fields[0] == QLatin1String("localhost") &&
                                                              host == QLatin1String("127.0.0.1"));
        if (hostMatches && matches(fields[1], QString::number(port)) && matches(fields[2], database) &&
            matches(fields[3], user))
            return fields[4];
    }
    return QString();
}

DatabaseSpec DatabaseSpec::parse(const QString& rawText, const QProcessEnvironment& env)
{
    const QString text = rawText.trimmed();
    if (text.isEmpty())
        throw Error(tr("No database given: use --db FILE.cabas or --db postgresql://user@host:port/dbname "
                       "(or set CABAS_DB)."),
                    Error::Kind::Invalid);

    DatabaseSpec spec;
    if (!text.startsWith(QLatin1String("postgresql://")) && !text.startsWith(QLatin1String("postgres://"))) {
        if (text.contains(QLatin1String("://")))
            throw Error(
                tr("\"%1\" is not a database Cabas knows: give a file path or a postgresql:// address.")
                    .arg(text),
                Error::Kind::Invalid);
        spec.backend = Backend::Sqlite;
        spec.path = QDir::cleanPath(QDir::current().absoluteFilePath(text));
        return spec;
    }

    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty())
        throw Error(tr("\"%1\" is not a valid PostgreSQL address: expected "
                       "postgresql://user:password@host:port/dbname.")
                        .arg(maskPassword(text)),
                    Error::Kind::Invalid);
    spec.backend = Backend::Postgres;
    spec.host = url.host();
    spec.port = url.port(5432);
    if (spec.port <= 0 || spec.port > 65535)
        throw Error(tr("The PostgreSQL port must be between 1 and 65535."), Error::Kind::Invalid);
    spec.user = url.userName(QUrl::FullyDecoded);
    if (spec.user.isEmpty())
        spec.user = env.value(QStringLiteral("PGUSER"), env.value(QStringLiteral("USER")));
    spec.password = url.password(QUrl::FullyDecoded);
    spec.databaseName = url.path(QUrl::FullyDecoded).mid(1);
    if (spec.databaseName.isEmpty() || spec.databaseName.contains(QLatin1Char('/')))
        throw Error(tr("The PostgreSQL address must name a database: postgresql://user@%1:%2/dbname.")
                        .arg(spec.host)
                        .arg(spec.port),
                    Error::Kind::Invalid);
    QStringList options;
    const QUrlQuery query(url);
    for (const auto& [key, value] : query.queryItems(QUrl::FullyDecoded)) {
        static const QStringList allowed = {QStringLiteral("sslmode"), QStringLiteral("sslrootcert"),
                                            QStringLiteral("connect_timeout"),
                                            QStringLiteral("application_name")};
        if (!allowed.contains(key))
            throw Error(tr("Unknown PostgreSQL option \"%1\" (allowed: %2).")
                            .arg(key, allowed.join(QStringLiteral(", "))),
                        Error::Kind::Invalid);
        options << key + QLatin1Char('=') + value;
    }
    spec.options = options.join(QLatin1Char(';'));

    if (spec.password.isEmpty())
        spec.password = env.value(QStringLiteral("PGPASSWORD"));
    if (spec.password.isEmpty()) {
        QString passFile = env.value(QStringLiteral("PGPASSFILE"));
        if (passFile.isEmpty())
            passFile = QDir::home().filePath(QStringLiteral(".pgpass"));
        spec.password = lookUpPgPass(passFile, spec.host, spec.port, spec.databaseName, spec.user);
    }
    return spec;
}

bool DatabaseSpec::isLocalHost() const
{
    if (host.isEmpty() || host.startsWith(QLatin1Char('/')) ||
        host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    // Loopback addresses: 127.0.0.0/8 and ::1 (QtNetwork's QHostAddress is not linked into the core).
    static const QRegularExpression ipv4Loopback(QStringLiteral("^127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}$"));
    return ipv4Loopback.match(host).hasMatch() || host == QLatin1String("::1") ||
           host == QLatin1String("0:0:0:0:0:0:0:1");
}

QString DatabaseSpec::effectiveSslMode() const
{
    for (const QString& option : options.split(QLatin1Char(';'), Qt::SkipEmptyParts))
        if (option.startsWith(QLatin1String("sslmode=")))
            return option.mid(8);
    return isLocalHost() ? QString() : QStringLiteral("verify-full");
}

QString DatabaseSpec::connectOptions() const
{
    QStringList all{QStringLiteral("connect_timeout=10")};
    if (!options.isEmpty())
        all << options;
    if (!options.contains(QLatin1String("sslmode=")) && !isLocalHost())
        all << QStringLiteral("sslmode=verify-full");
    return all.join(QLatin1Char(';'));
}

QString DatabaseSpec::displayName() const
{
    if (backend == Backend::Sqlite)
        return path;
    QString s = QStringLiteral("postgresql://");
    if (!user.isEmpty())
        s += QString::fromUtf8(QUrl::toPercentEncoding(user)) + QLatin1Char('@');
    s += host + QLatin1Char(':') + QString::number(port) + QLatin1Char('/') + databaseName;
    if (!options.isEmpty())
        s += QLatin1Char('?') + QString(options).replace(QLatin1Char(';'), QLatin1Char('&'));
    return s;
}

} // namespace cabas::store

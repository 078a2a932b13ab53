#include "fault/FaultUtil.h"

#include "support/TestDatabase.h"

#include <QAtomicInt>
#include <QCryptographicHash>
#include <QDate>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStringList>
#include <stdexcept>

namespace cabas::test {

namespace {
QAtomicInt stateCounter;
}

DatabaseState databaseState(const store::DatabaseSpec& spec)
{
    DatabaseState state;
    const QString name = QStringLiteral("cabas-fault-state-%1").arg(stateCounter.fetchAndAddRelaxed(1));
    QString failure;
    {
        QSqlDatabase db =
            addRawConnection(spec, name, QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=10000"));
        if (!db.open()) {
            failure = db.lastError().text();
        } else {
            QSqlQuery tables(db);
            const bool ok = tables.exec(
                spec.backend == store::Backend::Sqlite
                    ? QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                                     "'sqlite_%' ORDER BY name")
                    : QStringLiteral("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                                     "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"));
            if (!ok)
                failure = tables.lastError().text();
            QStringList names;
            while (tables.next())
                names << tables.value(0).toString();
            for (const QString& table : names) {
                QSqlQuery q(db);
                q.setForwardOnly(true);
                if (!q.exec(QStringLiteral("SELECT * FROM %1").arg(table))) {
                    failure = table + QStringLiteral(": ") + q.lastError().text();
                    break;
                }
                QStringList rows;
                while (q.next()) {
                    QStringList values;
                    for (int i = 0; i < q.record().count(); ++i)
                        values << (q.isNull(i) ? QStringLiteral("\\N") : q.value(i).toString());
                    rows << values.join(QChar(0x1f));
                }
                rows.sort();
                TableState& s = state[table];
                s.rows = rows.size();
                s.hash = QCryptographicHash::hash(rows.join(QChar(0x1e)).toUtf8(), QCryptographicHash::Sha256)
                             .toHex();
            }
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(name);
    if (!failure.isEmpty())
        throw std::runtime_error("cannot read the database's state: " + failure.toStdString());
    return state;
}

QString stateDifference(const DatabaseState& before, const DatabaseState& after, const QStringList& ignore)
{
    QStringList lines;
    std::map<QString, int> names;
    for (const auto& [n, s] : before)
        names[n] |= 1;
    for (const auto& [n, s] : after)
        names[n] |= 2;
    for (const auto& [n, where] : names) {
        if (ignore.contains(n))
            continue;
        if (where != 3) {
            lines << n + (where == 1 ? QStringLiteral(": table gone") : QStringLiteral(": table added"));
            continue;
        }
        const TableState& b = before.at(n);
        const TableState& a = after.at(n);
        if (!(a == b))
            lines << QStringLiteral("%1: %2 rows -> %3 rows%4")
                         .arg(n)
                         .arg(b.rows)
                         .arg(a.rows)
                         .arg(a.hash != b.hash ? QStringLiteral(", content changed") : QString());
    }
    return lines.join(QLatin1Char('\n'));
}

QByteArray generatedPersonsCsv(int households, int membersEach, const QString& prefix)
{
    QByteArray csv = "household_code;enrolled_on;commune;postcode;card_id;person_code;first_name;last_name;"
                     "birth_date;sex;role\n";
    static const char* const communes[] = {"Auch", "Condom", "Fleurance", "Lectoure", "Mirande", "Eauze"};
    static const char* const firsts[] = {"Anne", "Paul", "Léa", "Hugo", "Inès", "Jules", "Chloé", "Malik"};
    static const char* const lasts[] = {"Roux", "Martin", "Nguyễn", "Bernard", "Château", "Garcia", "Petit"};
    int person = 0;
    for (int h = 1; h <= households; ++h) {
        const QString code = QStringLiteral("%1-%2").arg(prefix).arg(h, 6, 10, QLatin1Char('0'));
        const QString card = QStringLiteral("C-%1-%2").arg(prefix).arg(h, 6, 10, QLatin1Char('0'));
        const QDate enrolled = QDate(2024, 1, 1).addDays(h % 300);
        const char* commune = communes[h % 6];
        for (int m = 0; m < membersEach; ++m) {
            ++person;
            const bool child = m >= 2;
            const QDate born = child ? QDate(2010, 1, 1).addDays((h * 7 + m) % 3000)
                                     : QDate(1950, 1, 1).addDays((h * 13 + m) % 15000);
            csv += QStringLiteral("%1;%2;%3;32000;%4;P-%5%6;%7;%8;%9;%10;%11\n")
                       .arg(code, enrolled.toString(Qt::ISODate), QString::fromUtf8(commune), card, prefix)
                       .arg(person, 7, 10, QLatin1Char('0'))
                       .arg(QString::fromUtf8(firsts[(h + m) % 8]), QString::fromUtf8(lasts[h % 7]),
                            born.toString(Qt::ISODate), m % 2 ? QStringLiteral("M") : QStringLiteral("F"),
                            child ? QStringLiteral("child") : QStringLiteral("adult"))
                       .toUtf8();
        }
    }
    return csv;
}

} // namespace cabas::test

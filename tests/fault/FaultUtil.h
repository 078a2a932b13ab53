#pragma once

#include "store/DatabaseSpec.h"

#include <QByteArray>
#include <QString>
#include <map>

namespace cabas::test {

// What a database holds, table by table: the number of rows and a SHA-256 of every row's values (rows sorted,
// so the order the backend returns them in does not matter). Read on a separate raw connection.
struct TableState
{
    qint64 rows = 0;
    QByteArray hash;
    bool operator==(const TableState& o) const { return rows == o.rows && hash == o.hash; }
};
using DatabaseState = std::map<QString, TableState>;

DatabaseState databaseState(const store::DatabaseSpec& spec);
// The tables whose state differs ("household: 3 rows -> 4 rows, content changed"), one per line; empty when
// equal. `ignore` names tables left out of the comparison.
QString stateDifference(const DatabaseState& before, const DatabaseState& after,
                        const QStringList& ignore = {});

// (Raw connections and statements: addRawConnection, runRaw and rawExec of support/TestDatabase.h.)

// persons.csv with `households` households of `membersEach` members each (codes FLT-000001...,
// P-F0000001...).
QByteArray generatedPersonsCsv(int households, int membersEach,
                               const QString& prefix = QStringLiteral("FLT"));

} // namespace cabas::test

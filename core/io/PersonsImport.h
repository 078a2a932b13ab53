#pragma once

#include "domain/Card.h"
#include "domain/Household.h"
#include "domain/Person.h"
#include "security/Session.h"
#include "store/Database.h"

#include <QStringList>
#include <vector>

namespace cabas::io {

// What an import found and would do (check) or did (run).
struct ImportReport
{
    Q_DECLARE_TR_FUNCTIONS(ImportReport)
  public:
    QStringList errors;   // "file:line: column: message", in the user's language
    QStringList warnings; // unknown columns (ignored)
    int householdsNew = 0, householdsUpdated = 0, householdsUnchanged = 0;
    int personsNew = 0, personsUpdated = 0, personsUnchanged = 0;
    int cardsNew = 0;

    bool ok() const { return errors.isEmpty(); }
    QString summary() const;
};

// Import of persons.csv (formats.md): one row per person, household fields repeated on each member's row.
// All or nothing: every row is checked first and every problem reported with its place; only a file with no
// error is written, in one transaction, through the access rules (social workers) and the audit trail. Rows
// are matched by code, so importing the same file twice changes nothing; a changed name, date or commune
// updates the record. A person already in another household, or a card of another household, is an error
// (moving people is a case-file action, not an import).
class PersonsImport
{
    Q_DECLARE_TR_FUNCTIONS(PersonsImport)
  public:
    PersonsImport(const store::Database& db, const Session& session) : m_db(db), m_session(session) {}

    ImportReport check(const QString& path);
    // Checks, then writes when there is no error. Throws cabas::Error with every error when there is one.
    ImportReport run(const QString& path);

  private:
    struct PlannedHousehold
    {
        Household household;
        QString cardToken;
        int line = 0;
        bool exists = false;
        bool changed = false;
    };
    struct PlannedPerson
    {
        Person person;
        QString householdCode;
        int line = 0;
        bool exists = false;
        bool changed = false;
    };

    const store::Database& m_db;
    const Session m_session;
    QString m_fileName;
    std::vector<PlannedHousehold> m_households;
    std::vector<PlannedPerson> m_persons;
};

} // namespace cabas::io

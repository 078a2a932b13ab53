#pragma once

#include "domain/Checkup.h"
#include "domain/Questionnaire.h"
#include "security/Session.h"
#include "store/Database.h"

#include <QStringList>
#include <vector>

namespace cabas::io {

struct HealthImportReport
{
    Q_DECLARE_TR_FUNCTIONS(HealthImportReport)
  public:
    QStringList errors;   // "file:line: column: message"
    QStringList warnings; // unknown columns (ignored)
    int created = 0;
    int unchanged = 0;

    bool ok() const { return errors.isEmpty(); }
    QString summary() const;
};

// Imports of checkups.csv and questionnaires.csv (formats.md), for nurses. All or nothing, every problem
// located; each row needs the person's health follow-up consent on its date and a wave of the programme. Rows
// are matched by person and wave: a record already there with the same values is left alone (importing a file
// twice changes nothing); with other values it is an error — health records are corrected in the person's
// health view, where the change is seen, not silently by a file.
class HealthImport
{
    Q_DECLARE_TR_FUNCTIONS(HealthImport)
  public:
    HealthImport(const store::Database& db, const Session& session) : m_db(db), m_session(session) {}

    HealthImportReport checkCheckups(const QString& path);
    HealthImportReport
    runCheckups(const QString& path); // throws cabas::Error with every error when there is one
    HealthImportReport checkQuestionnaires(const QString& path);
    HealthImportReport runQuestionnaires(const QString& path);

  private:
    const store::Database& m_db;
    const Session m_session;
    QString m_fileName;
    std::vector<std::pair<QString, Checkup>> m_checkups; // person code, record
    std::vector<std::pair<QString, DietQuestionnaire>> m_questionnaires;
};

} // namespace cabas::io

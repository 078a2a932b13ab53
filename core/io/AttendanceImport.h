#pragma once

#include "domain/Workshop.h"
#include "security/Session.h"
#include "store/Database.h"

#include <QStringList>
#include <vector>

namespace cabas::io {

struct AttendanceImportReport
{
    Q_DECLARE_TR_FUNCTIONS(AttendanceImportReport)
  public:
    QStringList errors;   // "file:line: column: message"
    QStringList warnings; // unknown columns (ignored)
    int workshopsNew = 0;
    int created = 0;   // new registrations with their attendance
    int updated = 0;   // attendance set or changed on a registration already there
    int unchanged = 0; // already recorded the same way

    bool ok() const { return errors.isEmpty(); }
    QString summary() const;
};

// Import of attendance.csv (formats.md): workshop_date;workshop_type;title;person_code;attended. A workshop
// is identified by date, type and title; one missing is created (no place limit; complete it in the app).
// Each row registers the person (whatever the capacity: they came, or were expected) and records present or
// absent. All or nothing, every problem located; importing the same file twice changes nothing. Social
// workers, nurses and coordinators; every write audited.
class AttendanceImport
{
    Q_DECLARE_TR_FUNCTIONS(AttendanceImport)
  public:
    AttendanceImport(const store::Database& db, const Session& session) : m_db(db), m_session(session) {}

    AttendanceImportReport check(const QString& path);
    // Checks, then writes when there is no error. Throws cabas::Error with every error when there is one.
    AttendanceImportReport run(const QString& path);

  private:
    struct Planned
    {
        QString workshopKey;   // date|type|title
        qint64 workshopId = 0; // 0: created by this import
        qint64 personId = 0;
        QString personCode;
        bool attended = false;
        std::optional<Registration> existing;
    };

    const store::Database& m_db;
    const Session m_session;
    QString m_fileName;
    std::vector<Workshop> m_newWorkshops;
    std::vector<Planned> m_planned;
};

} // namespace cabas::io

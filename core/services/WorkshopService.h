#pragma once

#include "domain/Workshop.h"
#include "security/Session.h"
#include "store/Database.h"
#include "store/WorkshopRepository.h"

#include <QPair>
#include <vector>

namespace cabas {

// Workshops, registrations with a waiting list, and the attendance tick-list (issue 6). Social workers,
// nurses and coordinators read and write; administrators read (privacy.md). Every write is audited and runs
// in one transaction. Nothing is deleted: a registration is cancelled (kept, with its date) and the first
// person on the waiting list takes the freed place; a workshop is cancelled.
class WorkshopService
{
    Q_DECLARE_TR_FUNCTIONS(WorkshopService)
  public:
    WorkshopService(const store::Database& db, const Session& session) : m_db(db), m_session(session) {}

    // Workshops held from `from` to `to` (both included; null: open), with their counts.
    std::vector<WorkshopSummary> list(const QDate& from, const QDate& to) const;
    std::vector<WorkshopSummary> month(int year, int month) const;
    WorkshopSummary summary(qint64 workshopId) const;

    void create(Workshop& workshop) const;
    void update(Workshop& workshop) const;
    // Cancels the workshop (today); its registrations stay, for the record.
    void cancel(qint64 workshopId) const;

    std::vector<RegistrationRow> registrations(qint64 workshopId) const;
    // Gives the person a place, or puts them on the waiting list when the workshop is full. Registering a
    // person already registered or waiting is refused; a cancelled registration is renewed.
    RegistrationStatus registerPerson(qint64 workshopId, const QString& personCode) const;
    // Cancels a registration (kept, with the date). When it had a place, the first person on the waiting list
    // gets it: their code is returned (empty when nobody was promoted).
    QString cancelRegistration(qint64 workshopId, const QString& personCode) const;
    // The tick-list of the day: present (true) or absent (false) for registered persons. All or nothing; not
    // before the workshop's day, not for a cancelled workshop.
    void recordAttendance(qint64 workshopId, const QList<QPair<QString, bool>>& ticks) const;

    std::vector<WorkshopHistoryRow> personHistory(const QString& personCode) const;
    std::vector<WorkshopHistoryRow> householdHistory(qint64 householdId) const;

    std::vector<store::PersonMatch> searchPersons(const QString& text, int limit = 50) const;

    // The checks of a write (access, the workshop exists and is not cancelled); throws cabas::Error.
    Workshop writableWorkshop(qint64 workshopId) const;

  private:
    void requireRead() const;
    qint64 personId(const QString& personCode) const;
    // Gives free places to the waiting list, first in line first; returns the person ids promoted.
    std::vector<qint64> promote(const Workshop& workshop) const;

    const store::Database& m_db;
    const Session m_session;
};

} // namespace cabas

#pragma once

#include "domain/Workshop.h"
#include "store/Database.h"
#include "store/Sealed.h"

#include <optional>
#include <vector>

namespace cabas::store {

// A person found by the registration search.
struct PersonMatch
{
    qint64 id = 0;
    QString code;
    QString name;
    QString householdCode;
};

// Workshops and their registrations. Writes validate first and throw cabas::Error; update() uses optimistic
// versioning. Nothing here deletes: workshops and registrations are cancelled.
class WorkshopRepository
{
    Q_DECLARE_TR_FUNCTIONS(WorkshopRepository)
  public:
    // `keys`: the session's key ring (a sealed database's names are decrypted with it, and searched in the
    // NameIndex).
    explicit WorkshopRepository(const Database& db, const security::KeyRing* keys = nullptr)
        : m_db(db), m_sealed(db, keys)
    {
    }

    // Throws Conflict when a workshop with the same date, type and title exists.
    void insert(Workshop& workshop);
    void update(Workshop& workshop);
    void setCancelled(qint64 workshopId, const QDate& on);

    std::optional<Workshop> findById(qint64 id) const;
    std::optional<Workshop> findByKey(const QDate& heldOn, WorkshopType type, const QString& title) const;
    // Workshops held from `from` to `to` (both included; null: open), by date and time, with their counts.
    std::vector<WorkshopSummary> list(const QDate& from, const QDate& to) const;
    WorkshopSummary summary(qint64 workshopId) const;

    void insertRegistration(Registration& registration, qint64 recordedBy = 0);
    void updateRegistration(const Registration& registration, qint64 recordedBy);
    std::optional<Registration> findRegistration(qint64 workshopId, qint64 personId) const;
    // Registered persons by name, then the waiting list in its order, then cancellations.
    std::vector<RegistrationRow> registrations(qint64 workshopId) const;
    int countRegistered(qint64 workshopId) const;
    // The waiting list, first in line first.
    std::vector<Registration> waitingList(qint64 workshopId) const;

    // Workshop history, newest first.
    std::vector<WorkshopHistoryRow> historyForPerson(qint64 personId) const;
    std::vector<WorkshopHistoryRow> historyForHousehold(qint64 householdId) const;

    // Persons whose name or code contains `text` (accent- and case-insensitive), by name; at most `limit`.
    std::vector<PersonMatch> searchPersons(const QString& text, int limit = 50) const;

  private:
    std::vector<WorkshopHistoryRow> history(const QString& where, qint64 id) const;
    QString personName(const QString& code, const QVariant& firstName, const QVariant& lastName) const;
    const Database& m_db;
    Sealed m_sealed;
};

} // namespace cabas::store

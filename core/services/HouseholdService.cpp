#include "services/HouseholdService.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "security/AuditTrail.h"
#include "store/HouseholdRepository.h"

namespace cabas {

void HouseholdService::requireRead(const QString& table) const
{
    AuditTrail(m_db).require(m_session, DataKind::Households, Action::Read, table);
}

void HouseholdService::requireWrite(const QString& table, const QString& ref) const
{
    AuditTrail(m_db).require(m_session, DataKind::Households, Action::Write, table, ref);
}

Household HouseholdService::masked(Household h) const
{
    if (!AccessPolicy::seesAddresses(m_session.role())) {
        h.address.clear();
        h.notes.clear();
        h.exitReason.clear();
    }
    return h;
}

Person HouseholdService::masked(Person p) const
{
    if (!AccessPolicy::seesAddresses(m_session.role())) {
        p.firstName.clear();
        p.lastName.clear();
    }
    return p;
}

std::vector<Household> HouseholdService::list(int limit, int offset) const
{
    requireRead(QStringLiteral("household"));
    std::vector<Household> result = store::HouseholdRepository(m_db).list(limit, offset);
    for (Household& h : result)
        h = masked(h);
    return result;
}

std::optional<Household> HouseholdService::find(const QString& code) const
{
    requireRead(QStringLiteral("household"));
    const auto h = store::HouseholdRepository(m_db).findByCode(code);
    if (!h)
        return std::nullopt;
    return masked(*h);
}

std::vector<Person> HouseholdService::members(qint64 householdId) const
{
    requireRead(QStringLiteral("person"));
    std::vector<Person> result = store::PersonRepository(m_db).forHousehold(householdId);
    for (Person& p : result)
        p = masked(p);
    return result;
}

std::vector<Card> HouseholdService::cards(qint64 householdId) const
{
    requireRead(QStringLiteral("card"));
    return store::CardRepository(m_db).forHousehold(householdId);
}

std::vector<Consent> HouseholdService::consents(qint64 personId) const
{
    requireRead(QStringLiteral("consent"));
    return store::ConsentRepository(m_db).forPerson(personId);
}

void HouseholdService::create(Household& household) const
{
    requireWrite(QStringLiteral("household"), household.code);
    store::Database::Transaction tx(m_db);
    store::HouseholdRepository(m_db).insert(household);
    AuditTrail(m_db).record(m_session, QStringLiteral("create"), QStringLiteral("household"), household.code);
    tx.commit();
}

void HouseholdService::update(Household& household) const
{
    requireWrite(QStringLiteral("household"), household.code);
    store::Database::Transaction tx(m_db);
    store::HouseholdRepository(m_db).update(household);
    AuditTrail(m_db).record(m_session, QStringLiteral("update"), QStringLiteral("household"), household.code);
    tx.commit();
}

void HouseholdService::addPerson(Person& person) const
{
    requireWrite(QStringLiteral("person"), person.code);
    store::Database::Transaction tx(m_db);
    store::PersonRepository(m_db).insert(person);
    AuditTrail(m_db).record(m_session, QStringLiteral("create"), QStringLiteral("person"), person.code);
    tx.commit();
}

void HouseholdService::updatePerson(Person& person) const
{
    requireWrite(QStringLiteral("person"), person.code);
    store::Database::Transaction tx(m_db);
    store::PersonRepository(m_db).update(person);
    AuditTrail(m_db).record(m_session, QStringLiteral("update"), QStringLiteral("person"), person.code);
    tx.commit();
}

void HouseholdService::issueCard(Card& card) const
{
    requireWrite(QStringLiteral("card"), card.token);
    store::Database::Transaction tx(m_db);
    store::CardRepository(m_db).insert(card);
    AuditTrail(m_db).record(m_session, QStringLiteral("create"), QStringLiteral("card"), card.token);
    tx.commit();
}

void HouseholdService::setCardStatus(const QString& token, CardStatus status) const
{
    requireWrite(QStringLiteral("card"), token);
    store::CardRepository cards(m_db);
    const auto card = cards.findByToken(token);
    if (!card)
        throw Error(tr("There is no card %1.").arg(token), Error::Kind::NotFound);
    store::Database::Transaction tx(m_db);
    cards.setStatus(card->id, status);
    AuditTrail(m_db).record(m_session, QStringLiteral("update"), QStringLiteral("card"), token,
                            toCode(status));
    tx.commit();
}

void HouseholdService::recordConsent(Consent& consent) const
{
    const auto person = store::PersonRepository(m_db).findById(consent.personId);
    const QString ref = person ? person->code : QString::number(consent.personId);
    requireWrite(QStringLiteral("consent"), ref);
    if (!person)
        throw Error(tr("There is no such person."), Error::Kind::NotFound);
    consent.recordedByUserId = m_session.user.id;
    consent.recordedAt = Clock::instance().nowUtc();
    store::Database::Transaction tx(m_db);
    store::ConsentRepository(m_db).record(consent);
    AuditTrail(m_db).record(
        m_session, consent.given ? QStringLiteral("consent_given") : QStringLiteral("consent_withdrawn"),
        QStringLiteral("consent"), ref, toCode(consent.purpose));
    tx.commit();
}

} // namespace cabas

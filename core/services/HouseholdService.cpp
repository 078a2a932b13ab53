#include "services/HouseholdService.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "security/AuditTrail.h"
#include "store/HouseholdRepository.h"
#include "store/IncomeRepository.h"
#include "store/NameIndex.h"
#include "store/ProgrammeRepository.h"
#include "store/UserRepository.h"

#include <QLocale>
#include <QSet>

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
    std::vector<Household> result =
        store::HouseholdRepository(m_db, m_session.keys.get()).list(limit, offset);
    for (Household& h : result)
        h = masked(h);
    return result;
}

std::optional<Household> HouseholdService::find(const QString& code) const
{
    requireRead(QStringLiteral("household"));
    const auto h = store::HouseholdRepository(m_db, m_session.keys.get()).findByCode(code);
    if (!h)
        return std::nullopt;
    return masked(*h);
}

std::vector<Person> HouseholdService::members(qint64 householdId) const
{
    requireRead(QStringLiteral("person"));
    std::vector<Person> result =
        store::PersonRepository(m_db, m_session.keys.get()).forHousehold(householdId);
    for (Person& p : result)
        p = masked(p);
    return result;
}

std::vector<Card> HouseholdService::cards(qint64 householdId) const
{
    requireRead(QStringLiteral("card"));
    return store::CardRepository(m_db, m_session.keys.get()).forHousehold(householdId);
}

std::vector<Consent> HouseholdService::consents(qint64 personId) const
{
    requireRead(QStringLiteral("consent"));
    return store::ConsentRepository(m_db, m_session.keys.get()).forPerson(personId);
}

void HouseholdService::create(Household& household) const
{
    requireWrite(QStringLiteral("household"), household.code);
    store::Database::Transaction tx(m_db);
    store::HouseholdRepository households(m_db, m_session.keys.get());
    households.insert(household);
    HouseholdStatusEvent first;
    first.householdId = household.id;
    first.status = household.status;
    first.effectiveOn = household.status == HouseholdStatus::Exited && household.exitedOn.isValid()
                            ? household.exitedOn
                        : household.enrolledOn.isValid() ? household.enrolledOn
                                                         : Clock::instance().today();
    first.reason = household.status == HouseholdStatus::Exited ? household.exitReason : QString();
    first.recordedByUserId = m_session.user.id;
    households.addStatusEvent(first);
    AuditTrail(m_db).record(m_session, QStringLiteral("create"), QStringLiteral("household"), household.code);
    tx.commit();
}

void HouseholdService::update(Household& household) const
{
    requireWrite(QStringLiteral("household"), household.code);
    store::Database::Transaction tx(m_db);
    store::HouseholdRepository(m_db, m_session.keys.get()).update(household);
    AuditTrail(m_db).record(m_session, QStringLiteral("update"), QStringLiteral("household"), household.code);
    tx.commit();
}

void HouseholdService::addPerson(Person& person) const
{
    requireWrite(QStringLiteral("person"), person.code);
    store::Database::Transaction tx(m_db);
    store::PersonRepository(m_db, m_session.keys.get()).insert(person);
    AuditTrail(m_db).record(m_session, QStringLiteral("create"), QStringLiteral("person"), person.code);
    tx.commit();
}

void HouseholdService::updatePerson(Person& person) const
{
    requireWrite(QStringLiteral("person"), person.code);
    store::Database::Transaction tx(m_db);
    store::PersonRepository(m_db, m_session.keys.get()).update(person);
    AuditTrail(m_db).record(m_session, QStringLiteral("update"), QStringLiteral("person"), person.code);
    tx.commit();
}

void HouseholdService::issueCard(Card& card) const
{
    requireWrite(QStringLiteral("card"), card.token);
    store::Database::Transaction tx(m_db);
    store::CardRepository cards(m_db, m_session.keys.get());
    cards.insert(card);
    CardEvent event;
    event.cardId = card.id;
    event.status = card.status;
    event.effectiveOn = card.issuedOn.isValid() ? card.issuedOn : Clock::instance().today();
    event.recordedByUserId = m_session.user.id;
    cards.addEvent(event);
    AuditTrail(m_db).record(m_session, QStringLiteral("create"), QStringLiteral("card"), card.token);
    tx.commit();
}

void HouseholdService::setCardStatus(const QString& token, CardStatus status, const QString& reason) const
{
    requireWrite(QStringLiteral("card"), token);
    store::CardRepository cards(m_db, m_session.keys.get());
    const auto card = cards.findByToken(token);
    if (!card)
        throw Error(tr("There is no card %1.").arg(token), Error::Kind::NotFound);
    store::Database::Transaction tx(m_db);
    cards.setStatus(card->id, status);
    CardEvent event;
    event.cardId = card->id;
    event.status = status;
    event.effectiveOn = Clock::instance().today();
    event.reason = reason;
    event.recordedByUserId = m_session.user.id;
    cards.addEvent(event);
    AuditTrail(m_db).record(m_session, QStringLiteral("update"), QStringLiteral("card"), token,
                            toCode(status));
    tx.commit();
}

void HouseholdService::recordConsent(Consent& consent) const
{
    const auto person = store::PersonRepository(m_db, m_session.keys.get()).findById(consent.personId);
    const QString ref = person ? person->code : QString::number(consent.personId);
    requireWrite(QStringLiteral("consent"), ref);
    if (!person)
        throw Error(tr("There is no such person."), Error::Kind::NotFound);
    consent.recordedByUserId = m_session.user.id;
    consent.recordedAt = Clock::instance().nowUtc();
    store::Database::Transaction tx(m_db);
    store::ConsentRepository(m_db, m_session.keys.get()).record(consent);
    AuditTrail(m_db).record(
        m_session, consent.given ? QStringLiteral("consent_given") : QStringLiteral("consent_withdrawn"),
        QStringLiteral("consent"), ref, toCode(consent.purpose));
    tx.commit();
}

// ============================================================================ the household list

std::vector<HouseholdListEntry> HouseholdService::search(HouseholdQuery query, int limit, int offset) const
{
    requireRead(QStringLiteral("household"));
    if (!AccessPolicy::seesAddresses(m_session.role()))
        query.searchNames = false;
    store::HouseholdRepository repository(m_db, m_session.keys.get());
    repository.ensureSearchTerms();
    std::vector<HouseholdListEntry> result = repository.search(query, limit, offset);
    for (HouseholdListEntry& e : result)
        e.household = masked(e.household);
    return result;
}

qint64 HouseholdService::count(HouseholdQuery query, qint64 limit) const
{
    requireRead(QStringLiteral("household"));
    if (!AccessPolicy::seesAddresses(m_session.role()))
        query.searchNames = false;
    store::HouseholdRepository repository(m_db, m_session.keys.get());
    repository.ensureSearchTerms();
    return repository.countMatching(query, limit);
}

bool HouseholdService::searchReady() const
{
    return store::HouseholdRepository(m_db, m_session.keys.get())
        .searchReady(AccessPolicy::seesAddresses(m_session.role()));
}

void HouseholdService::prepareSearch() const
{
    requireRead(QStringLiteral("household"));
    store::HouseholdRepository(m_db, m_session.keys.get())
        .prepareSearch(AccessPolicy::seesAddresses(m_session.role()));
}

void HouseholdService::forgetSearch(const Session& session)
{
    if (session.keys)
        store::NameIndex::forget(*session.keys);
}

QStringList HouseholdService::communes() const
{
    requireRead(QStringLiteral("household"));
    return store::HouseholdRepository(m_db, m_session.keys.get()).communes();
}

// ============================================================================ enrolment

QStringList HouseholdService::enrolmentProblems(const Enrolment& e) const
{
    QStringList problems = e.household.validate();
    if (e.household.commune.trimmed().isEmpty())
        problems << tr("commune: the commune is required");
    if (!e.on.isValid())
        problems << tr("enrolled_on: the enrolment date is required");
    else if (e.on > Clock::instance().today())
        problems << tr("enrolled_on: the enrolment date is in the future");
    if (!e.household.code.isEmpty() &&
        store::HouseholdRepository(m_db, m_session.keys.get()).findByCode(e.household.code))
        problems << tr("household_code: the household code %1 is already used").arg(e.household.code);
    if (e.members.empty())
        problems << tr("members: a household has at least one member");
    bool adult = false;
    QSet<QString> codes;
    const int adultAge = [&] {
        const auto programme = store::ProgrammeRepository(m_db).load();
        return programme ? programme->childAdultAge : 18;
    }();
    store::PersonRepository persons(m_db, m_session.keys.get());
    for (std::size_t i = 0; i < e.members.size(); ++i) {
        const Person& p = e.members[i];
        const QString where = tr("member %1").arg(int(i) + 1);
        for (const QString& problem : p.validate())
            problems << where + QStringLiteral(": ") + problem;
        if (p.birthDate.isValid() && p.birthDate > Clock::instance().today())
            problems << where + QStringLiteral(": ") + tr("birth_date: the birth date is in the future");
        if (p.role == PersonRole::Child && p.birthDate.isValid() && e.on.isValid() &&
            p.ageOn(e.on) >= adultAge)
            problems << where + QStringLiteral(": ") +
                            tr("role: %1 is %2 years old, an adult for the programme")
                                .arg(p.fullName())
                                .arg(p.ageOn(e.on));
        if (p.isAdultOn(e.on.isValid() ? e.on : Clock::instance().today(), adultAge))
            adult = true;
        if (!p.code.isEmpty()) {
            if (codes.contains(p.code) || persons.findByCode(p.code))
                problems << where + QStringLiteral(": ") +
                                tr("person_code: the person code %1 is already used").arg(p.code);
            codes.insert(p.code);
        }
    }
    if (!e.members.empty() && !adult)
        problems << tr("members: a household has at least one adult");
    if (e.consents.size() > e.members.size())
        problems << tr("consents: more consent lists than members");
    if (!e.cardToken.isEmpty()) {
        Card c;
        c.token = e.cardToken;
        problems << c.validate();
        if (store::CardRepository(m_db, m_session.keys.get()).findByToken(e.cardToken))
            problems << tr("card_id: the card %1 is already known").arg(e.cardToken);
    }
    return problems;
}

std::vector<PossibleDuplicate> HouseholdService::possibleDuplicates(const Person& person) const
{
    requireRead(QStringLiteral("person"));
    std::vector<PossibleDuplicate> result;
    for (PossibleDuplicate& d :
         store::PersonRepository(m_db, m_session.keys.get())
             .sameNameAndBirthDate(person.firstName, person.lastName, person.birthDate)) {
        if (d.person.id == person.id ||
            (person.householdId != 0 && d.person.householdId == person.householdId))
            continue;
        d.person = masked(d.person);
        result.push_back(d);
    }
    return result;
}

void HouseholdService::enrol(Enrolment& e) const
{
    requireWrite(QStringLiteral("household"), e.household.code);
    const QStringList problems = enrolmentProblems(e);
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')), Error::Kind::Invalid);
    const AuditTrail audit(m_db);
    store::Database::Transaction tx(m_db);
    store::HouseholdRepository households(m_db, m_session.keys.get());
    e.household.status = HouseholdStatus::Enrolled;
    e.household.enrolledOn = e.on;
    households.insert(e.household);
    HouseholdStatusEvent enrolled;
    enrolled.householdId = e.household.id;
    enrolled.status = HouseholdStatus::Enrolled;
    enrolled.effectiveOn = e.on;
    enrolled.recordedByUserId = m_session.user.id;
    households.addStatusEvent(enrolled);
    audit.record(m_session, QStringLiteral("create"), QStringLiteral("household"), e.household.code,
                 QStringLiteral("enrolment"));
    store::PersonRepository persons(m_db, m_session.keys.get());
    store::ConsentRepository consents(m_db, m_session.keys.get());
    for (std::size_t i = 0; i < e.members.size(); ++i) {
        Person& p = e.members[i];
        p.householdId = e.household.id;
        persons.insert(p);
        audit.record(m_session, QStringLiteral("create"), QStringLiteral("person"), p.code);
        if (i < e.consents.size())
            for (ConsentPurpose purpose : e.consents[i]) {
                Consent c;
                c.personId = p.id;
                c.purpose = purpose;
                c.given = true;
                c.effectiveOn = e.on;
                c.recordedByUserId = m_session.user.id;
                c.recordedAt = Clock::instance().nowUtc();
                consents.record(c);
                audit.record(m_session, QStringLiteral("consent_given"), QStringLiteral("consent"), p.code,
                             toCode(purpose));
            }
    }
    if (!e.cardToken.isEmpty()) {
        store::CardRepository cards(m_db, m_session.keys.get());
        Card card;
        card.token = e.cardToken;
        card.householdId = e.household.id;
        card.issuedOn = e.on;
        cards.insert(card);
        CardEvent issued;
        issued.cardId = card.id;
        issued.status = CardStatus::Active;
        issued.effectiveOn = e.on;
        issued.recordedByUserId = m_session.user.id;
        cards.addEvent(issued);
        audit.record(m_session, QStringLiteral("create"), QStringLiteral("card"), card.token);
    }
    tx.commit();
}

QString HouseholdService::nextHouseholdCode() const
{
    const auto programme = store::ProgrammeRepository(m_db).load();
    const QString prefix = programme ? programme->householdCodePrefix : QStringLiteral("MMG");
    const int next = store::HouseholdRepository(m_db, m_session.keys.get()).highestCodeNumber(prefix) + 1;
    return QStringLiteral("%1-%2").arg(prefix).arg(next, 4, 10, QLatin1Char('0'));
}

QString HouseholdService::nextPersonCode(int skip) const
{
    const int next =
        store::PersonRepository(m_db, m_session.keys.get()).highestCodeNumber(QStringLiteral("P-")) + 1 +
        skip;
    return QStringLiteral("P-%1").arg(next, 5, 10, QLatin1Char('0'));
}

// ============================================================================ the case file

std::optional<HouseholdConflict> HouseholdService::save(Household& mine, const Household& base) const
{
    std::vector<MemberEdit> none;
    return save(mine, base, none);
}

namespace {
QStringList changedFields(const Household& base, const Household& mine)
{
    QStringList fields;
    for (const QString& field : HouseholdConflict::fieldNames())
        if (HouseholdConflict::fieldValue(base, field) != HouseholdConflict::fieldValue(mine, field))
            fields << field;
    return fields;
}

QStringList changedMemberFields(const MemberEdit& e)
{
    QStringList fields;
    for (const QString& field : HouseholdConflict::memberFieldNames())
        if (HouseholdConflict::memberFieldValue(e.base, field) !=
            HouseholdConflict::memberFieldValue(e.mine, field))
            fields << field;
    return fields;
}
} // namespace

std::optional<HouseholdConflict> HouseholdService::save(Household& mine, const Household& base,
                                                        std::vector<MemberEdit>& members) const
{
    requireWrite(QStringLiteral("household"), base.code);
    if (!members.empty())
        requireWrite(QStringLiteral("person"), base.code);
    // Check everything first: a bad edit writes nothing.
    QStringList problems;
    const QStringList fields = changedFields(base, mine);
    if (fields.contains(QStringLiteral("referent")) && mine.referentUserId != 0) {
        const auto user = store::UserRepository(m_db).findById(mine.referentUserId);
        if (!user || !user->active || user->role != Role::SocialWorker)
            problems << tr("referent: %1 is not an active social worker")
                            .arg(user ? user->displayName : QString::number(mine.referentUserId));
    }
    for (MemberEdit& e : members) {
        if (e.isNew()) {
            e.mine.householdId = base.id; // e.mine.id may be the caller's temporary key: insert() sets it
        } else if (e.mine.id != e.base.id || e.base.householdId != base.id) {
            throw Error(tr("%1 is not a member of household %2.").arg(e.base.code, base.code),
                        Error::Kind::Invalid);
        } else {
            e.mine.householdId = e.base.householdId;
        }
        const QString where = e.isNew() ? tr("new member %1").arg(e.mine.fullName().trimmed())
                                        : tr("member %1").arg(e.base.code);
        for (const QString& problem : memberProblems(e))
            problems << where + QStringLiteral(": ") + problem;
    }
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')), Error::Kind::Invalid);

    const AuditTrail audit(m_db);
    Household saved = mine;
    saved.version = base.version;
    std::vector<MemberEdit> written = members;
    try {
        store::Database::Transaction tx(m_db);
        store::HouseholdRepository households(m_db, m_session.keys.get());
        if (!fields.isEmpty() || members.empty()) {
            households.update(saved);
            audit.record(m_session, QStringLiteral("update"), QStringLiteral("household"), saved.code,
                         fields.join(QLatin1Char(',')));
        }
        store::PersonRepository persons(m_db, m_session.keys.get());
        int skip = 0;
        for (MemberEdit& e : written) {
            if (e.isNew()) {
                if (e.mine.code.isEmpty())
                    e.mine.code = nextPersonCode(skip++);
                persons.insert(e.mine);
                audit.record(m_session, QStringLiteral("create"), QStringLiteral("person"), e.mine.code,
                             QStringLiteral("arrival"));
                continue;
            }
            e.mine.version = e.base.version;
            if (e.recordsDeparture())
                e.mine.departureReason = e.departureReason.trimmed();
            else if (!e.mine.leftOn.isValid())
                e.mine.departureReason.clear(); // back in the household: no departure, no reason
            persons.update(e.mine);
            const QStringList changed = changedMemberFields(e);
            audit.record(m_session, QStringLiteral("update"), QStringLiteral("person"), e.mine.code,
                         e.recordsDeparture() ? QStringLiteral("departure") : changed.join(QLatin1Char(',')));
            if (e.recordsDeparture()) {
                HouseholdNote note;
                note.householdId = base.id;
                note.authorUserId = m_session.user.id;
                note.body = tr("%1 (%2) left the household on %3: %4")
                                .arg(e.mine.fullName().trimmed(), e.mine.code,
                                     QLocale().toString(e.mine.leftOn, QLocale::ShortFormat),
                                     e.departureReason.trimmed());
                households.addNote(note);
            }
        }
        tx.commit();
    } catch (const Error& e) {
        if (e.kind() != Error::Kind::Conflict)
            throw;
        // Someone saved the household or one of these members meanwhile: nothing was written.
        const auto theirs = store::HouseholdRepository(m_db, m_session.keys.get()).findById(base.id);
        if (!theirs)
            throw;
        HouseholdConflict conflict = HouseholdConflict::between(base, *theirs, mine);
        std::vector<Person> theirMembers;
        store::PersonRepository persons(m_db, m_session.keys.get());
        for (const MemberEdit& edit : members) {
            const auto p = edit.isNew() ? std::nullopt : persons.findById(edit.base.id);
            theirMembers.push_back(p ? *p : Person());
        }
        conflict.addMembers(members, theirMembers);
        return conflict;
    }
    mine = saved;
    members = written;
    return std::nullopt;
}

QStringList HouseholdService::memberProblems(const MemberEdit& e) const
{
    const Person& p = e.mine;
    const QDate today = Clock::instance().today();
    Person checked = p;
    if (e.isNew() && checked.code.isEmpty())
        checked.code = QStringLiteral("P-00000"); // given when saved
    QStringList problems = checked.validate();
    if (p.birthDate.isValid() && p.birthDate > today)
        problems << tr("birth_date: the birth date is in the future");
    else if (p.birthDate.isValid() && p.birthDate.year() >= 1900 && p.ageOn(today) > 120)
        problems << tr("birth_date: %1 would make this person %2 years old")
                        .arg(QLocale().toString(p.birthDate, QLocale::ShortFormat))
                        .arg(p.ageOn(today));
    if (e.isNew() && !p.arrivedOn.isValid())
        problems << tr("arrived_on: the arrival date is required");
    if (p.arrivedOn.isValid() && p.arrivedOn > today)
        problems << tr("arrived_on: the arrival is in the future");
    if (p.leftOn.isValid() && p.leftOn > today)
        problems << tr("left_on: the departure is in the future");
    if (p.leftOn.isValid() && p.birthDate.isValid() && p.leftOn < p.birthDate)
        problems << tr("left_on: the departure is before the birth date");
    if (e.recordsDeparture() && e.departureReason.trimmed().isEmpty())
        problems << tr("departure_reason: a departure needs its reason");
    if (e.isNew() && p.role == PersonRole::Child && p.birthDate.isValid()) {
        const QDate on = p.arrivedOn.isValid() ? p.arrivedOn : today;
        if (p.ageOn(on) >= adultAge())
            problems << tr("role: %1 is %2 years old, an adult for the programme")
                            .arg(p.fullName().trimmed())
                            .arg(p.ageOn(on));
    }
    return problems;
}

std::vector<User> HouseholdService::referentCandidates() const
{
    requireRead(QStringLiteral("household"));
    std::vector<User> result;
    for (const User& u : store::UserRepository(m_db).list())
        if (u.active && u.role == Role::SocialWorker)
            result.push_back(u);
    return result;
}

int HouseholdService::adultAge() const
{
    const auto programme = store::ProgrammeRepository(m_db).load();
    return programme ? programme->childAdultAge : 18;
}

void HouseholdService::changeStatus(Household& household, HouseholdStatus status, const QDate& on,
                                    const QString& reason) const
{
    requireWrite(QStringLiteral("household"), household.code);
    if (!on.isValid())
        throw Error(tr("effective_on: the date of the status change is required"), Error::Kind::Invalid);
    if (on > Clock::instance().today())
        throw Error(tr("effective_on: the date of the status change is in the future"), Error::Kind::Invalid);
    if (status == HouseholdStatus::Exited && reason.trimmed().isEmpty())
        throw Error(tr("exit_reason: an exit needs its reason"), Error::Kind::Invalid);
    if (status == household.status)
        throw Error(tr("status: the household is already %1").arg(displayName(status)), Error::Kind::Invalid);
    Household changed = household;
    changed.status = status;
    if (status == HouseholdStatus::Enrolled) {
        if (!changed.enrolledOn.isValid())
            changed.enrolledOn = on;
        changed.exitedOn = QDate();
        changed.exitReason.clear();
    } else if (status == HouseholdStatus::Exited) {
        changed.exitedOn = on;
        changed.exitReason = reason.trimmed();
    }
    store::Database::Transaction tx(m_db);
    store::HouseholdRepository households(m_db, m_session.keys.get());
    households.update(changed);
    HouseholdStatusEvent event;
    event.householdId = changed.id;
    event.status = status;
    event.effectiveOn = on;
    event.reason = reason.trimmed();
    event.recordedByUserId = m_session.user.id;
    households.addStatusEvent(event);
    AuditTrail(m_db).record(m_session, QStringLiteral("status"), QStringLiteral("household"), changed.code,
                            toCode(status));
    tx.commit();
    household = changed;
}

std::vector<HouseholdStatusEvent> HouseholdService::statusHistory(const Household& household) const
{
    requireRead(QStringLiteral("household"));
    std::vector<HouseholdStatusEvent> history =
        store::HouseholdRepository(m_db, m_session.keys.get()).statusHistory(household.id);
    if (history.empty()) {
        if (household.enrolledOn.isValid())
            history.push_back(
                {0, household.id, HouseholdStatus::Enrolled, household.enrolledOn, {}, 0, {}, {}});
        if (household.exitedOn.isValid())
            history.push_back({0,
                               household.id,
                               HouseholdStatus::Exited,
                               household.exitedOn,
                               household.exitReason,
                               0,
                               {},
                               {}});
        else if (household.status != HouseholdStatus::Enrolled && household.status != HouseholdStatus::Exited)
            history.push_back({0, household.id, household.status, household.enrolledOn, {}, 0, {}, {}});
    }
    if (!AccessPolicy::seesAddresses(m_session.role()))
        for (HouseholdStatusEvent& e : history)
            e.reason.clear();
    return history;
}

Card HouseholdService::reissueCard(const QString& oldToken, const QString& newToken, CardStatus oldStatus,
                                   const QDate& on, const QString& reason) const
{
    requireWrite(QStringLiteral("card"), oldToken);
    if (oldStatus != CardStatus::Lost && oldStatus != CardStatus::Blocked && oldStatus != CardStatus::Closed)
        throw Error(tr("status: a replaced card is lost, blocked or closed"), Error::Kind::Invalid);
    if (!on.isValid() || on > Clock::instance().today())
        throw Error(tr("issued_on: the date of the new card is missing or in the future"),
                    Error::Kind::Invalid);
    store::CardRepository cards(m_db, m_session.keys.get());
    const auto old = cards.findByToken(oldToken);
    if (!old)
        throw Error(tr("There is no card %1.").arg(oldToken), Error::Kind::NotFound);
    if (old->householdId == 0)
        throw Error(tr("The card %1 belongs to no household.").arg(oldToken), Error::Kind::Invalid);
    Card fresh;
    fresh.token = newToken.trimmed();
    fresh.householdId = old->householdId;
    fresh.issuedOn = on;
    fresh.replacesCardId = old->id;
    const QStringList problems = fresh.validate();
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')), Error::Kind::Invalid);
    if (cards.findByToken(fresh.token))
        throw Error(tr("card_id: the card %1 is already known").arg(fresh.token), Error::Kind::Conflict);
    const AuditTrail audit(m_db);
    store::Database::Transaction tx(m_db);
    if (old->status != oldStatus) {
        cards.setStatus(old->id, oldStatus);
        CardEvent ended;
        ended.cardId = old->id;
        ended.status = oldStatus;
        ended.effectiveOn = on;
        ended.reason = reason.trimmed();
        ended.recordedByUserId = m_session.user.id;
        cards.addEvent(ended);
        audit.record(m_session, QStringLiteral("update"), QStringLiteral("card"), oldToken,
                     toCode(oldStatus));
    }
    cards.insert(fresh);
    CardEvent issued;
    issued.cardId = fresh.id;
    issued.status = CardStatus::Active;
    issued.effectiveOn = on;
    issued.reason = tr("replaces %1").arg(oldToken);
    issued.recordedByUserId = m_session.user.id;
    cards.addEvent(issued);
    audit.record(m_session, QStringLiteral("reissue"), QStringLiteral("card"), fresh.token,
                 QStringLiteral("replaces ") + oldToken);
    tx.commit();
    return fresh;
}

std::vector<CardEvent> HouseholdService::cardHistory(const Card& card) const
{
    requireRead(QStringLiteral("card"));
    std::vector<CardEvent> history = store::CardRepository(m_db, m_session.keys.get()).history(card.id);
    if (history.empty()) {
        history.push_back({0, card.id, CardStatus::Active, card.issuedOn, {}, 0, {}, {}});
        if (card.status != CardStatus::Active)
            history.push_back({0, card.id, card.status, QDate(), {}, 0, {}, {}});
    }
    return history;
}

void HouseholdService::addNote(const QString& householdCode, const QString& body) const
{
    requireWrite(QStringLiteral("household_note"), householdCode);
    store::HouseholdRepository households(m_db, m_session.keys.get());
    const auto h = households.findByCode(householdCode);
    if (!h)
        throw Error(tr("There is no household %1.").arg(householdCode), Error::Kind::NotFound);
    HouseholdNote note;
    note.householdId = h->id;
    note.body = body;
    note.authorUserId = m_session.user.id;
    store::Database::Transaction tx(m_db);
    households.addNote(note);
    AuditTrail(m_db).record(m_session, QStringLiteral("create"), QStringLiteral("household_note"),
                            householdCode);
    tx.commit();
}

std::vector<HouseholdNote> HouseholdService::notes(qint64 householdId) const
{
    requireRead(QStringLiteral("household_note"));
    if (!AccessPolicy::seesAddresses(m_session.role()))
        return {};
    return store::HouseholdRepository(m_db, m_session.keys.get()).notes(householdId);
}

AllowanceBreakdown HouseholdService::allowance(qint64 householdId, const QDate& month) const
{
    requireRead(QStringLiteral("person"));
    const auto programme = store::ProgrammeRepository(m_db).load();
    if (!programme)
        throw Error(tr("This database has no programme."), Error::Kind::NotFound);
    // Income-band programmes: the household's income assessment in force on the month's first day.
    std::vector<IncomeAssessment> incomes;
    if (programme->needsIncomeAssessment())
        incomes = store::IncomeRepository(m_db, m_session.keys.get()).forHousehold(householdId);
    return monthlyAllowance(*programme,
                            store::PersonRepository(m_db, m_session.keys.get()).forHousehold(householdId),
                            month, assessmentOn(incomes, QDate(month.year(), month.month(), 1)));
}

AllowanceBreakdown HouseholdService::allowance(const std::vector<Person>& members, const QDate& month,
                                               qint64 householdId) const
{
    requireRead(QStringLiteral("person"));
    const auto programme = store::ProgrammeRepository(m_db).load();
    if (!programme)
        throw Error(tr("This database has no programme."), Error::Kind::NotFound);
    std::vector<IncomeAssessment> incomes;
    if (programme->needsIncomeAssessment() && householdId > 0)
        incomes = store::IncomeRepository(m_db, m_session.keys.get()).forHousehold(householdId);
    return monthlyAllowance(*programme, members, month,
                            assessmentOn(incomes, QDate(month.year(), month.month(), 1)));
}

} // namespace cabas

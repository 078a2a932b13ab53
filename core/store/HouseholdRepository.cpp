#include "store/HouseholdRepository.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "store/BulkInserter.h"

#include <QHash>
#include <QRegularExpression>

namespace cabas::store {

namespace {
void throwIfInvalid(const QStringList& problems)
{
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')), Error::Kind::Invalid);
}

QVariant now()
{
    return timestampValue(Clock::instance().nowUtc());
}

// ---- households
const QString kHouseholdColumns =
    QStringLiteral("id, code, address, commune, postcode, referent_user_id, status, enrolled_on, exited_on, "
                   "exit_reason, notes, version");

Household readHousehold(const QSqlQuery& q)
{
    Household h;
    h.id = q.value(0).toLongLong();
    h.code = q.value(1).toString();
    h.address = q.value(2).toString();
    h.commune = q.value(3).toString();
    h.postcode = q.value(4).toString();
    h.referentUserId = q.value(5).toLongLong();
    fromCode(q.value(6).toString(), &h.status);
    h.enrolledOn = toDate(q.value(7));
    h.exitedOn = toDate(q.value(8));
    h.exitReason = q.value(9).toString();
    h.notes = q.value(10).toString();
    h.version = q.value(11).toInt();
    return h;
}

QVariantList householdValues(const Household& h)
{
    return {textValue(h.code),         textValue(h.address), textValue(h.commune),    textValue(h.postcode),
            idValue(h.referentUserId), toCode(h.status),     dateValue(h.enrolledOn), dateValue(h.exitedOn),
            textValue(h.exitReason),   textValue(h.notes)};
}

// ---- persons
const QString kPersonColumns = QStringLiteral(
    "id, household_id, code, first_name, last_name, birth_date, sex, role, arrived_on, left_on, version");

Person readPerson(const QSqlQuery& q)
{
    Person p;
    p.id = q.value(0).toLongLong();
    p.householdId = q.value(1).toLongLong();
    p.code = q.value(2).toString();
    p.firstName = q.value(3).toString();
    p.lastName = q.value(4).toString();
    p.birthDate = toDate(q.value(5));
    fromCode(q.value(6).toString(), &p.sex);
    fromCode(q.value(7).toString(), &p.role);
    p.arrivedOn = toDate(q.value(8));
    p.leftOn = toDate(q.value(9));
    p.version = q.value(10).toInt();
    return p;
}

QVariantList personValues(const Person& p)
{
    return {p.householdId,
            textValue(p.code),
            textValue(p.firstName),
            textValue(p.lastName),
            textValue(searchKey(p.firstName + QLatin1Char(' ') + p.lastName)),
            dateValue(p.birthDate),
            textValue(toCode(p.sex)),
            toCode(p.role),
            dateValue(p.arrivedOn),
            dateValue(p.leftOn)};
}

// ---- cards
const QString kCardColumns = QStringLiteral("id, token, household_id, status, issued_on, replaces_card_id");

Card readCard(const QSqlQuery& q)
{
    Card c;
    c.id = q.value(0).toLongLong();
    c.token = q.value(1).toString();
    c.householdId = q.value(2).toLongLong();
    fromCode(q.value(3).toString(), &c.status);
    c.issuedOn = toDate(q.value(4));
    c.replacesCardId = q.value(5).toLongLong();
    return c;
}

QVariantList cardValues(const Card& c)
{
    return {textValue(c.token), idValue(c.householdId), toCode(c.status), dateValue(c.issuedOn),
            idValue(c.replacesCardId)};
}

// ---- consents
QVariantList consentValues(const Consent& c)
{
    return {c.personId,
            toCode(c.purpose),
            c.given,
            dateValue(c.effectiveOn),
            idValue(c.recordedByUserId),
            timestampValue(c.recordedAt.isValid() ? c.recordedAt : Clock::instance().nowUtc()),
            textValue(c.note)};
}

} // namespace

// ============================================================================ households

void HouseholdRepository::insert(Household& h)
{
    throwIfInvalid(h.validate());
    if (findByCode(h.code))
        throw Error(tr("The household code %1 is already used: a code is never reused.").arg(h.code),
                    Error::Kind::Conflict);
    const QVariant t = now();
    QSqlQuery q =
        m_db.exec(QStringLiteral("INSERT INTO household (code, address, commune, postcode, referent_user_id, "
                                 "status, enrolled_on, exited_on, exit_reason, notes, version, created_at, "
                                 "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id"),
                  householdValues(h) + QVariantList{t, t});
    q.next();
    h.id = q.value(0).toLongLong();
    h.version = 1;
}

void HouseholdRepository::update(Household& h)
{
    throwIfInvalid(h.validate());
    QSqlQuery q =
        m_db.exec(QStringLiteral("UPDATE household SET code = ?, address = ?, commune = ?, postcode = ?, "
                                 "referent_user_id = ?, status = ?, enrolled_on = ?, exited_on = ?, "
                                 "exit_reason = ?, notes = ?, updated_at = ?, version = version + 1 "
                                 "WHERE id = ? AND version = ?"),
                  householdValues(h) + QVariantList{now(), h.id, h.version});
    if (q.numRowsAffected() != 1)
        throw Error(
            tr("The household %1 was changed by someone else since you opened it; reload it to see their "
               "changes.")
                .arg(h.code),
            Error::Kind::Conflict);
    ++h.version;
}

void HouseholdRepository::insertMany(std::vector<Household>& households)
{
    QHash<QString, Household*> byCode;
    for (Household& h : households) {
        throwIfInvalid(h.validate());
        byCode.insert(h.code, &h);
    }
    const QVariant t = now();
    BulkInserter inserter(
        m_db, QStringLiteral("household"),
        {QStringLiteral("code"), QStringLiteral("address"), QStringLiteral("commune"),
         QStringLiteral("postcode"), QStringLiteral("referent_user_id"), QStringLiteral("status"),
         QStringLiteral("enrolled_on"), QStringLiteral("exited_on"), QStringLiteral("exit_reason"),
         QStringLiteral("notes"), QStringLiteral("created_at"), QStringLiteral("updated_at")},
        QStringLiteral("id, code"), [&](const QVariantList& q) {
            if (Household* h = byCode.value(q.value(1).toString())) {
                h->id = q.value(0).toLongLong();
                h->version = 1;
            }
        });
    for (const Household& h : households)
        inserter.add(householdValues(h) + QVariantList{t, t});
    inserter.flush();
}

std::optional<Household> HouseholdRepository::findById(qint64 id) const
{
    QSqlQuery q =
        m_db.exec(QStringLiteral("SELECT %1 FROM household WHERE id = ?").arg(kHouseholdColumns), {id});
    if (!q.next())
        return std::nullopt;
    return readHousehold(q);
}

std::optional<Household> HouseholdRepository::findByCode(const QString& code) const
{
    QSqlQuery q =
        m_db.exec(QStringLiteral("SELECT %1 FROM household WHERE code = ?").arg(kHouseholdColumns), {code});
    if (!q.next())
        return std::nullopt;
    return readHousehold(q);
}

std::vector<Household> HouseholdRepository::list(int limit, int offset) const
{
    QString sql = QStringLiteral("SELECT %1 FROM household ORDER BY code").arg(kHouseholdColumns);
    if (limit > 0)
        sql += QStringLiteral(" LIMIT %1 OFFSET %2").arg(limit).arg(offset);
    std::vector<Household> result;
    QSqlQuery q = m_db.exec(sql);
    while (q.next())
        result.push_back(readHousehold(q));
    return result;
}

qint64 HouseholdRepository::count() const
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT count(*) FROM household"));
    return q.next() ? q.value(0).toLongLong() : 0;
}

int HouseholdRepository::highestCodeNumber(const QString& prefix) const
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT code FROM household WHERE code LIKE ?"),
                            {prefix + QStringLiteral("-%")});
    const QRegularExpression number(QStringLiteral("^%1-(\\d+)$").arg(QRegularExpression::escape(prefix)));
    int highest = 0;
    while (q.next()) {
        const auto m = number.match(q.value(0).toString());
        if (m.hasMatch())
            highest = std::max(highest, m.captured(1).toInt());
    }
    return highest;
}

// ============================================================================ persons

void PersonRepository::insert(Person& p)
{
    throwIfInvalid(p.validate());
    if (findByCode(p.code))
        throw Error(tr("The person code %1 is already used: a code is never reused.").arg(p.code),
                    Error::Kind::Conflict);
    const QVariant t = now();
    QSqlQuery q = m_db.exec(
        QStringLiteral("INSERT INTO person (household_id, code, first_name, last_name, search_name, "
                       "birth_date, sex, role, arrived_on, left_on, version, created_at, updated_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id"),
        personValues(p) + QVariantList{t, t});
    q.next();
    p.id = q.value(0).toLongLong();
    p.version = 1;
}

void PersonRepository::update(Person& p)
{
    throwIfInvalid(p.validate());
    QSqlQuery q = m_db.exec(
        QStringLiteral("UPDATE person SET household_id = ?, code = ?, first_name = ?, last_name = ?, "
                       "search_name = ?, birth_date = ?, sex = ?, role = ?, arrived_on = ?, "
                       "left_on = ?, updated_at = ?, version = version + 1 "
                       "WHERE id = ? AND version = ?"),
        personValues(p) + QVariantList{now(), p.id, p.version});
    if (q.numRowsAffected() != 1)
        throw Error(
            tr("%1 (%2) was changed by someone else since you opened it; reload to see their changes.")
                .arg(p.fullName(), p.code),
            Error::Kind::Conflict);
    ++p.version;
}

void PersonRepository::insertMany(std::vector<Person>& persons)
{
    QHash<QString, Person*> byCode;
    for (Person& p : persons) {
        throwIfInvalid(p.validate());
        byCode.insert(p.code, &p);
    }
    const QVariant t = now();
    BulkInserter inserter(m_db, QStringLiteral("person"),
                          {QStringLiteral("household_id"), QStringLiteral("code"),
                           QStringLiteral("first_name"), QStringLiteral("last_name"),
                           QStringLiteral("search_name"), QStringLiteral("birth_date"), QStringLiteral("sex"),
                           QStringLiteral("role"), QStringLiteral("arrived_on"), QStringLiteral("left_on"),
                           QStringLiteral("created_at"), QStringLiteral("updated_at")},
                          QStringLiteral("id, code"), [&](const QVariantList& q) {
                              if (Person* p = byCode.value(q.value(1).toString())) {
                                  p->id = q.value(0).toLongLong();
                                  p->version = 1;
                              }
                          });
    for (const Person& p : persons)
        inserter.add(personValues(p) + QVariantList{t, t});
    inserter.flush();
}

std::optional<Person> PersonRepository::findById(qint64 id) const
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT %1 FROM person WHERE id = ?").arg(kPersonColumns), {id});
    if (!q.next())
        return std::nullopt;
    return readPerson(q);
}

std::optional<Person> PersonRepository::findByCode(const QString& code) const
{
    QSqlQuery q =
        m_db.exec(QStringLiteral("SELECT %1 FROM person WHERE code = ?").arg(kPersonColumns), {code});
    if (!q.next())
        return std::nullopt;
    return readPerson(q);
}

std::vector<Person> PersonRepository::forHousehold(qint64 householdId) const
{
    std::vector<Person> result;
    QSqlQuery q = m_db.exec(
        QStringLiteral("SELECT %1 FROM person WHERE household_id = ? ORDER BY role, birth_date, code")
            .arg(kPersonColumns),
        {householdId});
    while (q.next())
        result.push_back(readPerson(q));
    return result;
}

qint64 PersonRepository::count() const
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT count(*) FROM person"));
    return q.next() ? q.value(0).toLongLong() : 0;
}

// ============================================================================ cards

void CardRepository::insert(Card& c)
{
    throwIfInvalid(c.validate());
    if (findByToken(c.token))
        throw Error(tr("The card %1 is already known.").arg(c.token), Error::Kind::Conflict);
    const QVariant t = now();
    QSqlQuery q = m_db.exec(
        QStringLiteral("INSERT INTO card (token, household_id, status, issued_on, replaces_card_id, "
                       "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"),
        cardValues(c) + QVariantList{t, t});
    q.next();
    c.id = q.value(0).toLongLong();
}

void CardRepository::setStatus(qint64 cardId, CardStatus status)
{
    QSqlQuery q = m_db.exec(QStringLiteral("UPDATE card SET status = ?, updated_at = ? WHERE id = ?"),
                            {toCode(status), now(), cardId});
    if (q.numRowsAffected() != 1)
        throw Error(tr("No such card."), Error::Kind::NotFound);
}

void CardRepository::insertMany(std::vector<Card>& cards)
{
    // A card that replaces another must name a card already stored (insert the replaced cards first).
    QHash<QString, Card*> byToken;
    for (Card& c : cards) {
        throwIfInvalid(c.validate());
        byToken.insert(c.token, &c);
    }
    const QVariant t = now();
    BulkInserter inserter(m_db, QStringLiteral("card"),
                          {QStringLiteral("token"), QStringLiteral("household_id"), QStringLiteral("status"),
                           QStringLiteral("issued_on"), QStringLiteral("replaces_card_id"),
                           QStringLiteral("created_at"), QStringLiteral("updated_at")},
                          QStringLiteral("id, token"), [&](const QVariantList& q) {
                              if (Card* c = byToken.value(q.value(1).toString()))
                                  c->id = q.value(0).toLongLong();
                          });
    for (const Card& c : cards)
        inserter.add(cardValues(c) + QVariantList{t, t});
    inserter.flush();
}

std::optional<Card> CardRepository::findByToken(const QString& token) const
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT %1 FROM card WHERE token = ?").arg(kCardColumns), {token});
    if (!q.next())
        return std::nullopt;
    return readCard(q);
}

std::vector<Card> CardRepository::forHousehold(qint64 householdId) const
{
    std::vector<Card> result;
    QSqlQuery q = m_db.exec(
        QStringLiteral("SELECT %1 FROM card WHERE household_id = ? ORDER BY issued_on, id").arg(kCardColumns),
        {householdId});
    while (q.next())
        result.push_back(readCard(q));
    return result;
}

qint64 CardRepository::count() const
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT count(*) FROM card"));
    return q.next() ? q.value(0).toLongLong() : 0;
}

// ============================================================================ consents

void ConsentRepository::record(Consent& c)
{
    throwIfInvalid(c.validate());
    QSqlQuery q =
        m_db.exec(QStringLiteral("INSERT INTO consent (person_id, purpose, given, effective_on, recorded_by, "
                                 "recorded_at, note) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"),
                  consentValues(c));
    q.next();
    c.id = q.value(0).toLongLong();
}

void ConsentRepository::recordMany(std::vector<Consent>& consents)
{
    for (const Consent& c : consents)
        throwIfInvalid(c.validate());
    BulkInserter inserter(m_db, QStringLiteral("consent"),
                          {QStringLiteral("person_id"), QStringLiteral("purpose"), QStringLiteral("given"),
                           QStringLiteral("effective_on"), QStringLiteral("recorded_by"),
                           QStringLiteral("recorded_at"), QStringLiteral("note")});
    for (const Consent& c : consents)
        inserter.add(consentValues(c));
    inserter.flush();
}

std::vector<Consent> ConsentRepository::forPerson(qint64 personId) const
{
    std::vector<Consent> result;
    QSqlQuery q = m_db.exec(
        QStringLiteral("SELECT id, person_id, purpose, given, effective_on, recorded_by, recorded_at, "
                       "note FROM consent WHERE person_id = ? ORDER BY effective_on, id"),
        {personId});
    while (q.next()) {
        Consent c;
        c.id = q.value(0).toLongLong();
        c.personId = q.value(1).toLongLong();
        fromCode(q.value(2).toString(), &c.purpose);
        c.given = q.value(3).toBool();
        c.effectiveOn = toDate(q.value(4));
        c.recordedByUserId = q.value(5).toLongLong();
        c.recordedAt = toTimestamp(q.value(6));
        c.note = q.value(7).toString();
        result.push_back(c);
    }
    return result;
}

bool ConsentRepository::isGiven(qint64 personId, ConsentPurpose purpose, const QDate& day) const
{
    QSqlQuery q =
        m_db.exec(QStringLiteral("SELECT given FROM consent WHERE person_id = ? AND purpose = ? AND "
                                 "effective_on <= ? ORDER BY effective_on DESC, id DESC LIMIT 1"),
                  {personId, toCode(purpose), dateValue(day)});
    return q.next() && q.value(0).toBool();
}

} // namespace cabas::store

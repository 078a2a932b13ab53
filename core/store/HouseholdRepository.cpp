#include "store/HouseholdRepository.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "store/BulkInserter.h"
#include "store/NameIndex.h"

#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <algorithm>

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

const QLatin1String kAddress("household.address");
const QLatin1String kExitReason("household.exit_reason");
const QLatin1String kHouseholdNotes("household.notes");

Household readHousehold(const QSqlQuery& q, const Sealed& sealed)
{
    Household h;
    h.id = q.value(0).toLongLong();
    h.code = q.value(1).toString();
    h.address = sealed.open(kAddress, h.code, q.value(2));
    h.commune = q.value(3).toString();
    h.postcode = q.value(4).toString();
    h.referentUserId = q.value(5).toLongLong();
    fromCode(q.value(6).toString(), &h.status);
    h.enrolledOn = toDate(q.value(7));
    h.exitedOn = toDate(q.value(8));
    h.exitReason = sealed.open(kExitReason, h.code, q.value(9));
    h.notes = sealed.open(kHouseholdNotes, h.code, q.value(10));
    h.version = q.value(11).toInt();
    return h;
}

QVariantList householdValues(const Household& h, const Sealed& sealed)
{
    return {textValue(h.code),
            textValue(sealed.seal(kAddress, h.code, h.address)),
            textValue(h.commune),
            textValue(h.postcode),
            idValue(h.referentUserId),
            toCode(h.status),
            dateValue(h.enrolledOn),
            dateValue(h.exitedOn),
            textValue(sealed.seal(kExitReason, h.code, h.exitReason)),
            textValue(sealed.seal(kHouseholdNotes, h.code, h.notes))};
}

// ---- persons
const QLatin1String kFirstName("person.first_name");
const QLatin1String kLastName("person.last_name");
const QLatin1String kBirthDate("person.birth_date");
const QLatin1String kDepartureReason("person.departure_reason");

// A sealed database has one more column, the sealed birth date (the last one: index 12).
QString personColumns(const Sealed& sealed, const QString& alias = QString())
{
    QStringList columns{
        QStringLiteral("id"),         QStringLiteral("household_id"), QStringLiteral("code"),
        QStringLiteral("first_name"), QStringLiteral("last_name"),    QStringLiteral("birth_date"),
        QStringLiteral("sex"),        QStringLiteral("role"),         QStringLiteral("arrived_on"),
        QStringLiteral("left_on"),    QStringLiteral("version"),      QStringLiteral("departure_reason")};
    if (sealed.on())
        columns << QStringLiteral("birth_date_sealed");
    if (!alias.isEmpty())
        columns.replaceInStrings(QRegularExpression(QStringLiteral("^")), alias + QLatin1Char('.'));
    return columns.join(QStringLiteral(", "));
}

int personColumnCount(const Sealed& sealed)
{
    return sealed.on() ? 13 : 12;
}

Person readPerson(const QSqlQuery& q, const Sealed& sealed)
{
    Person p;
    p.id = q.value(0).toLongLong();
    p.householdId = q.value(1).toLongLong();
    p.code = q.value(2).toString();
    p.firstName = sealed.open(kFirstName, p.code, q.value(3));
    p.lastName = sealed.open(kLastName, p.code, q.value(4));
    p.birthDate = sealed.on() ? sealed.openDate(kBirthDate, p.code, q.value(12)) : toDate(q.value(5));
    fromCode(q.value(6).toString(), &p.sex);
    fromCode(q.value(7).toString(), &p.role);
    p.arrivedOn = toDate(q.value(8));
    p.leftOn = toDate(q.value(9));
    p.version = q.value(10).toInt();
    p.departureReason = sealed.open(kDepartureReason, p.code, q.value(11));
    return p;
}

// The order of the columns below; a sealed database adds birth_date_sealed.
QStringList personWriteColumns(const Sealed& sealed)
{
    QStringList columns{QStringLiteral("household_id"),
                        QStringLiteral("code"),
                        QStringLiteral("first_name"),
                        QStringLiteral("last_name"),
                        QStringLiteral("search_name"),
                        QStringLiteral("birth_date"),
                        QStringLiteral("sex"),
                        QStringLiteral("role"),
                        QStringLiteral("arrived_on"),
                        QStringLiteral("left_on"),
                        QStringLiteral("departure_reason")};
    if (sealed.on())
        columns << QStringLiteral("birth_date_sealed");
    return columns;
}

// On a sealed database: the names, the departure reason and the birth date sealed, no search name, and in the
// clear birth_date only the first day of the birth month (docs/encryption.md).
QVariantList personValues(const Person& p, const Sealed& sealed)
{
    QVariantList values{
        p.householdId,
        textValue(p.code),
        textValue(sealed.seal(kFirstName, p.code, p.firstName)),
        textValue(sealed.seal(kLastName, p.code, p.lastName)),
        textValue(sealed.on() ? QString() : searchKey(p.firstName + QLatin1Char(' ') + p.lastName)),
        dateValue(sealed.on() ? Sealed::coarseBirthDate(p.birthDate) : p.birthDate),
        textValue(toCode(p.sex)),
        toCode(p.role),
        dateValue(p.arrivedOn),
        dateValue(p.leftOn),
        textValue(sealed.seal(kDepartureReason, p.code, p.departureReason.trimmed()))};
    if (sealed.on())
        values << textValue(sealed.sealDate(kBirthDate, p.code, p.birthDate));
    return values;
}

// Members in the order of the clear database's "ORDER BY role, birth_date, code" (a sealed database has only
// the birth month in SQL).
void sortMembers(std::vector<Person>& persons)
{
    std::stable_sort(persons.begin(), persons.end(), [](const Person& a, const Person& b) {
        const QString ra = toCode(a.role), rb = toCode(b.role);
        if (ra != rb)
            return ra < rb;
        if (a.birthDate != b.birthDate)
            return a.birthDate < b.birthDate;
        return a.code < b.code;
    });
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
const QLatin1String kConsentNote("consent.note");
const QLatin1String kStatusReason("household_status_event.reason");
const QLatin1String kCardReason("card_event.reason");
const QLatin1String kNoteBody("household_note.body");

// Rows without a code are sealed with their id: inserted with an empty (or placeholder) value, then given
// their sealed value in the same transaction.
void sealById(const Database& db, const Sealed& sealed, const QString& table, const QString& column,
              QLatin1String field, qint64 id, const QString& value)
{
    if (!sealed.on() || value.isEmpty())
        return;
    db.exec(QStringLiteral("UPDATE %1 SET %2 = ? WHERE id = ?").arg(table, column),
            {sealed.seal(field, QString::number(id), value), id});
}

QVariantList consentValues(const Consent& c, bool sealedLater)
{
    return {c.personId,
            toCode(c.purpose),
            c.given,
            dateValue(c.effectiveOn),
            idValue(c.recordedByUserId),
            timestampValue(c.recordedAt.isValid() ? c.recordedAt : Clock::instance().nowUtc()),
            textValue(sealedLater ? QString() : c.note)};
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
                  householdValues(h, m_sealed) + QVariantList{t, t});
    q.next();
    h.id = q.value(0).toLongLong();
    h.version = 1;
    refreshSearchTerms({h.id});
}

void HouseholdRepository::update(Household& h)
{
    throwIfInvalid(h.validate());
    QSqlQuery q =
        m_db.exec(QStringLiteral("UPDATE household SET code = ?, address = ?, commune = ?, postcode = ?, "
                                 "referent_user_id = ?, status = ?, enrolled_on = ?, exited_on = ?, "
                                 "exit_reason = ?, notes = ?, updated_at = ?, version = version + 1 "
                                 "WHERE id = ? AND version = ?"),
                  householdValues(h, m_sealed) + QVariantList{now(), h.id, h.version});
    if (q.numRowsAffected() != 1)
        throw Error(
            tr("The household %1 was changed by someone else since you opened it; reload it to see their "
               "changes.")
                .arg(h.code),
            Error::Kind::Conflict);
    ++h.version;
    refreshSearchTerms({h.id});
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
        inserter.add(householdValues(h, m_sealed) + QVariantList{t, t});
    inserter.flush();
    std::vector<qint64> ids;
    ids.reserve(households.size());
    for (const Household& h : households)
        ids.push_back(h.id);
    refreshSearchTerms(ids);
}

std::optional<Household> HouseholdRepository::findById(qint64 id) const
{
    QSqlQuery q =
        m_db.exec(QStringLiteral("SELECT %1 FROM household WHERE id = ?").arg(kHouseholdColumns), {id});
    if (!q.next())
        return std::nullopt;
    return readHousehold(q, m_sealed);
}

std::optional<Household> HouseholdRepository::findByCode(const QString& code) const
{
    QSqlQuery q =
        m_db.exec(QStringLiteral("SELECT %1 FROM household WHERE code = ?").arg(kHouseholdColumns), {code});
    if (!q.next())
        return std::nullopt;
    return readHousehold(q, m_sealed);
}

std::vector<Household> HouseholdRepository::list(int limit, int offset) const
{
    QString sql = QStringLiteral("SELECT %1 FROM household ORDER BY code").arg(kHouseholdColumns);
    if (limit > 0)
        sql += QStringLiteral(" LIMIT %1 OFFSET %2").arg(limit).arg(offset);
    std::vector<Household> result;
    QSqlQuery q = m_db.exec(sql);
    while (q.next())
        result.push_back(readHousehold(q, m_sealed));
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
    const QStringList columns = personWriteColumns(m_sealed);
    QStringList marks;
    for (qsizetype i = 0; i < columns.size(); ++i)
        marks << QStringLiteral("?");
    QSqlQuery q = m_db.exec(QStringLiteral("INSERT INTO person (%1, version, created_at, updated_at) VALUES "
                                           "(%2, 1, ?, ?) RETURNING id")
                                .arg(columns.join(QStringLiteral(", ")), marks.join(QStringLiteral(", "))),
                            personValues(p, m_sealed) + QVariantList{t, t});
    q.next();
    p.id = q.value(0).toLongLong();
    p.version = 1;
    HouseholdRepository(m_db, m_sealed.keys()).refreshSearchTerms({p.householdId});
}

void PersonRepository::update(Person& p)
{
    throwIfInvalid(p.validate());
    const auto before = findById(p.id);
    const QStringList columns = personWriteColumns(m_sealed);
    QSqlQuery q = m_db.exec(QStringLiteral("UPDATE person SET %1 = ?, updated_at = ?, version = version + 1 "
                                           "WHERE id = ? AND version = ?")
                                .arg(columns.join(QStringLiteral(" = ?, "))),
                            personValues(p, m_sealed) + QVariantList{now(), p.id, p.version});
    if (q.numRowsAffected() != 1)
        throw Error(
            tr("%1 (%2) was changed by someone else since you opened it; reload to see their changes.")
                .arg(p.fullName(), p.code),
            Error::Kind::Conflict);
    ++p.version;
    std::vector<qint64> households{p.householdId};
    if (before && before->householdId != p.householdId)
        households.push_back(before->householdId);
    HouseholdRepository(m_db, m_sealed.keys()).refreshSearchTerms(households);
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
                          personWriteColumns(m_sealed) +
                              QStringList{QStringLiteral("created_at"), QStringLiteral("updated_at")},
                          QStringLiteral("id, code"), [&](const QVariantList& q) {
                              if (Person* p = byCode.value(q.value(1).toString())) {
                                  p->id = q.value(0).toLongLong();
                                  p->version = 1;
                              }
                          });
    for (const Person& p : persons)
        inserter.add(personValues(p, m_sealed) + QVariantList{t, t});
    inserter.flush();
    std::vector<qint64> households;
    QSet<qint64> seen;
    for (const Person& p : persons)
        if (!seen.contains(p.householdId)) {
            seen.insert(p.householdId);
            households.push_back(p.householdId);
        }
    HouseholdRepository(m_db, m_sealed.keys()).refreshSearchTerms(households);
}

std::optional<Person> PersonRepository::findById(qint64 id) const
{
    QSqlQuery q =
        m_db.exec(QStringLiteral("SELECT %1 FROM person WHERE id = ?").arg(personColumns(m_sealed)), {id});
    if (!q.next())
        return std::nullopt;
    return readPerson(q, m_sealed);
}

std::optional<Person> PersonRepository::findByCode(const QString& code) const
{
    QSqlQuery q = m_db.exec(
        QStringLiteral("SELECT %1 FROM person WHERE code = ?").arg(personColumns(m_sealed)), {code});
    if (!q.next())
        return std::nullopt;
    return readPerson(q, m_sealed);
}

std::vector<Person> PersonRepository::forHousehold(qint64 householdId) const
{
    std::vector<Person> result;
    QSqlQuery q = m_db.exec(
        QStringLiteral("SELECT %1 FROM person WHERE household_id = ? ORDER BY role, birth_date, code")
            .arg(personColumns(m_sealed)),
        {householdId});
    while (q.next())
        result.push_back(readPerson(q, m_sealed));
    if (m_sealed.on())
        sortMembers(result);
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
    m_sealed.requireKeys();
    QSqlQuery q =
        m_db.exec(QStringLiteral("INSERT INTO consent (person_id, purpose, given, effective_on, recorded_by, "
                                 "recorded_at, note) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"),
                  consentValues(c, m_sealed.on()));
    q.next();
    c.id = q.value(0).toLongLong();
    sealById(m_db, m_sealed, QStringLiteral("consent"), QStringLiteral("note"), kConsentNote, c.id, c.note);
}

void ConsentRepository::recordMany(std::vector<Consent>& consents)
{
    for (const Consent& c : consents)
        throwIfInvalid(c.validate());
    if (m_sealed.on()) {
        // Sealed by id: one at a time (an import's consents; a few per person).
        for (Consent& c : consents)
            record(c);
        return;
    }
    BulkInserter inserter(m_db, QStringLiteral("consent"),
                          {QStringLiteral("person_id"), QStringLiteral("purpose"), QStringLiteral("given"),
                           QStringLiteral("effective_on"), QStringLiteral("recorded_by"),
                           QStringLiteral("recorded_at"), QStringLiteral("note")});
    for (const Consent& c : consents)
        inserter.add(consentValues(c, false));
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
        c.note = m_sealed.open(kConsentNote, QString::number(c.id), q.value(7));
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

// ============================================================================ case file: search

namespace {
QStringList searchWords(const QString& text)
{
    return searchKey(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

// The smallest text greater than every text starting with `prefix` (code point order, which is the byte order
// of UTF-8: SQLite's BINARY collation and PostgreSQL's "C").
QString prefixUpperBound(const QString& prefix)
{
    QString upper = prefix;
    const QChar last = upper.back();
    upper.back() = QChar(char16_t(last.unicode() + 1));
    return upper;
}

QString placeholders(qsizetype n)
{
    QStringList marks;
    for (qsizetype i = 0; i < n; ++i)
        marks << QStringLiteral("?");
    return marks.join(QStringLiteral(", "));
}

struct Where
{
    QString sql;
    QVariantList values;
};

// How a word of the search is matched. A word matching many terms (a letter or two) is tested household by
// household (EXISTS through the primary key household_id, kind, term: with the kinds listed, two seeks per
// household), so that the first page in code order and a capped count stop early; a rarer word is a set read
// from the term index (IN), which costs its number of terms. A word in a fraction f of the households costs
// about 1,100 / f probes as EXISTS (the count capped at 1,001 and the first page) and about 1.3 f N terms as
// a set (N households): measured at 100,000 households, the two cost the same at about 10,000 terms ("le":
// 13,000 terms, 24 ms as EXISTS, 32 ms as a set; "lef": 2,400 terms, 85 ms as EXISTS, 8 ms as a set). The
// rarest word is listed first. See docs/households.md.
constexpr int kDenseTerms = 10000;

// A sealed database: above this many matching households, the ids are not written into the SQL; the list
// reads the ids of every household the filters keep, in the list's order, and keeps the matching ones until
// its page is full (a dense match fills it quickly).
constexpr std::size_t kDenseMatches = 2000;

// `sealed`: the text was searched in the NameIndex; its matches, when there are at most kDenseMatches, go
// into the SQL as a list of ids (they come from the index, not from the user; no limit on the number of bound
// values).
Where whereFor(const Database& db, const HouseholdQuery& query, const std::vector<qint64>* sealedMatches,
               bool sealed)
{
    QStringList conditions;
    Where w;
    if (sealedMatches) {
        QStringList ids;
        ids.reserve(qsizetype(sealedMatches->size()));
        for (const qint64 id : *sealedMatches)
            ids << QString::number(id);
        conditions << (ids.isEmpty() ? QStringLiteral("1 = 0")
                                     : QStringLiteral("h.id IN (%1)").arg(ids.join(QLatin1Char(','))));
    }
    const QString kinds = query.searchNames ? QStringLiteral("'k', 'n'") : QStringLiteral("'k'");
    struct Word
    {
        QString word, upper;
        int terms = 0;
    };
    std::vector<Word> words;
    for (const QString& word : sealed ? QStringList() : searchWords(query.text)) {
        Word wd{word, prefixUpperBound(word)};
        QSqlQuery d =
            db.exec(QStringLiteral("SELECT count(*) FROM (SELECT 1 FROM household_search_term WHERE "
                                   "term >= ? AND term < ? AND kind IN (%1) LIMIT %2) AS t")
                        .arg(kinds)
                        .arg(kDenseTerms),
                    {wd.word, wd.upper});
        wd.terms = d.next() ? d.value(0).toInt() : 0;
        words.push_back(wd);
    }
    std::stable_sort(words.begin(), words.end(),
                     [](const Word& a, const Word& b) { return a.terms < b.terms; });
    for (const Word& wd : words) {
        if (wd.terms < kDenseTerms)
            conditions << QStringLiteral(
                              "h.id IN (SELECT household_id FROM household_search_term WHERE term >= ? "
                              "AND term < ? AND kind IN (%1))")
                              .arg(kinds);
        else
            conditions << QStringLiteral(
                              "EXISTS (SELECT 1 FROM household_search_term t WHERE t.household_id = "
                              "h.id AND t.kind IN (%1) AND t.term >= ? AND t.term < ?)")
                              .arg(kinds);
        w.values << wd.word << wd.upper;
    }
    if (query.status) {
        conditions << QStringLiteral("h.status = ?");
        w.values << toCode(*query.status);
    }
    if (query.referentUserId > 0) {
        conditions << QStringLiteral("h.referent_user_id = ?");
        w.values << query.referentUserId;
    } else if (query.referentUserId < 0) {
        conditions << QStringLiteral("h.referent_user_id IS NULL");
    }
    if (!query.commune.isEmpty()) {
        conditions << QStringLiteral("h.commune = ?");
        w.values << query.commune;
    }
    if (!conditions.isEmpty())
        w.sql = QStringLiteral(" WHERE ") + conditions.join(QStringLiteral(" AND "));
    return w;
}

QString orderFor(const HouseholdQuery& query)
{
    const QString dir = query.descending ? QStringLiteral(" DESC") : QString();
    switch (query.sort) {
    case HouseholdQuery::Sort::Code:
        return QStringLiteral("h.code") + dir;
    case HouseholdQuery::Sort::Commune:
        return QStringLiteral("h.commune%1, h.code").arg(dir);
    case HouseholdQuery::Sort::Status:
        return QStringLiteral("CASE h.status WHEN 'candidate' THEN 0 WHEN 'enrolled' THEN 1 WHEN 'suspended' "
                              "THEN 2 ELSE 3 END%1, h.code")
            .arg(dir);
    case HouseholdQuery::Sort::EnrolledOn:
        return QStringLiteral("(h.enrolled_on IS NULL)%1, h.enrolled_on%1, h.code").arg(dir);
    case HouseholdQuery::Sort::Referent:
        return QStringLiteral("COALESCE(u.display_name, '')%1, h.code").arg(dir);
    }
    return QStringLiteral("h.code");
}
} // namespace

std::optional<std::vector<qint64>> HouseholdRepository::sealedMatches(const HouseholdQuery& query) const
{
    if (!m_sealed.on())
        return std::nullopt;
    m_sealed.requireKeys();
    const auto index = NameIndex::of(m_db, *m_sealed.keys(), query.searchNames);
    index->refresh(m_db, *m_sealed.keys());
    return index->matching(query.text, query.searchNames);
}

bool HouseholdRepository::searchReady(bool names) const
{
    return !m_sealed.on() || !m_sealed.keys() || NameIndex::of(m_db, *m_sealed.keys(), names)->ready();
}

void HouseholdRepository::prepareSearch(bool names) const
{
    if (!m_sealed.on())
        return;
    m_sealed.requireKeys();
    NameIndex::of(m_db, *m_sealed.keys(), names)->refresh(m_db, *m_sealed.keys());
}

std::vector<HouseholdListEntry> HouseholdRepository::search(const HouseholdQuery& query, int limit,
                                                            int offset) const
{
    const auto matches = sealedMatches(query);
    const bool dense = matches && matches->size() > kDenseMatches;
    Where w = whereFor(m_db, query, matches && !dense ? &*matches : nullptr, matches.has_value());
    if (dense) {
        // The page's ids, in the list's order, then their rows (in the same order: the ids' condition only).
        QSqlQuery q = m_db.exec(QStringLiteral("SELECT h.id FROM household h LEFT JOIN app_user u ON u.id = "
                                               "h.referent_user_id%1 ORDER BY %2")
                                    .arg(w.sql, orderFor(query)),
                                w.values);
        QStringList page;
        int skipped = 0;
        while (q.next() && (limit <= 0 || page.size() < limit)) {
            const qint64 id = q.value(0).toLongLong();
            if (!std::binary_search(matches->begin(), matches->end(), id))
                continue;
            if (skipped < offset) {
                ++skipped;
                continue;
            }
            page << QString::number(id);
        }
        if (page.isEmpty())
            return {};
        w.sql = QStringLiteral(" WHERE h.id IN (%1)").arg(page.join(QLatin1Char(',')));
        w.values.clear();
        limit = 0;
    }
    QString sql =
        QStringLiteral("SELECT %1, COALESCE(u.display_name, '') FROM household h LEFT JOIN app_user u "
                       "ON u.id = h.referent_user_id%2 ORDER BY %3")
            .arg(QStringList(kHouseholdColumns.split(QStringLiteral(", ")))
                     .replaceInStrings(QRegularExpression(QStringLiteral("^")), QStringLiteral("h."))
                     .join(QStringLiteral(", ")),
                 w.sql, orderFor(query));
    if (limit > 0)
        sql += QStringLiteral(" LIMIT %1 OFFSET %2").arg(limit).arg(std::max(0, offset));
    std::vector<HouseholdListEntry> result;
    QHash<qint64, std::size_t> rowOf;
    {
        QSqlQuery q = m_db.exec(sql, w.values);
        while (q.next()) {
            HouseholdListEntry e;
            e.household = readHousehold(q, m_sealed);
            e.referentName = q.value(12).toString();
            rowOf.insert(e.household.id, result.size());
            result.push_back(std::move(e));
        }
    }
    if (result.empty())
        return result;
    // The members of the page's households, in one query.
    QVariantList ids;
    for (const HouseholdListEntry& e : result)
        ids << e.household.id;
    const QDate today = Clock::instance().today();
    QSqlQuery q =
        m_db.exec(QStringLiteral("SELECT household_id, first_name, last_name, arrived_on, left_on, code FROM "
                                 "person WHERE household_id IN (%1) ORDER BY household_id, role, "
                                 "birth_date, code")
                      .arg(placeholders(ids.size())),
                  ids);
    QHash<qint64, QStringList> names;
    while (q.next()) {
        const qint64 id = q.value(0).toLongLong();
        const QDate arrived = toDate(q.value(3)), left = toDate(q.value(4));
        if ((arrived.isValid() && arrived > today) || (left.isValid() && left <= today))
            continue;
        HouseholdListEntry& e = result[rowOf.value(id)];
        ++e.members;
        if (query.searchNames) {
            const QString code = q.value(5).toString();
            names[id] << m_sealed.open(kFirstName, code, q.value(1)) + QLatin1Char(' ') +
                             m_sealed.open(kLastName, code, q.value(2));
        }
    }
    for (HouseholdListEntry& e : result)
        e.names = names.value(e.household.id).join(QStringLiteral(", "));
    return result;
}

qint64 HouseholdRepository::countMatching(const HouseholdQuery& query, qint64 limit) const
{
    const auto matches = sealedMatches(query);
    const bool dense = matches && matches->size() > kDenseMatches;
    const Where w = whereFor(m_db, query, matches && !dense ? &*matches : nullptr, matches.has_value());
    if (dense) {
        const qint64 all = qint64(matches->size());
        if (w.sql.isEmpty())
            return limit > 0 ? std::min(all, limit) : all;
        QSqlQuery q = m_db.exec(QStringLiteral("SELECT h.id FROM household h%1").arg(w.sql), w.values);
        qint64 n = 0;
        while (q.next() && (limit <= 0 || n < limit))
            if (std::binary_search(matches->begin(), matches->end(), q.value(0).toLongLong()))
                ++n;
        return n;
    }
    const QString sql =
        limit > 0 ? QStringLiteral("SELECT count(*) FROM (SELECT 1 FROM household h%1 LIMIT %2) AS matching")
                        .arg(w.sql)
                        .arg(limit)
                  : QStringLiteral("SELECT count(*) FROM household h%1").arg(w.sql);
    QSqlQuery q = m_db.exec(sql, w.values);
    return q.next() ? q.value(0).toLongLong() : 0;
}

QStringList HouseholdRepository::communes() const
{
    QStringList result;
    QSqlQuery q = m_db.exec(
        QStringLiteral("SELECT DISTINCT commune FROM household WHERE commune <> '' ORDER BY commune"));
    while (q.next())
        result << q.value(0).toString();
    return result;
}

void HouseholdRepository::refreshSearchTerms(const std::vector<qint64>& householdIds) const
{
    if (m_sealed.on()) {
        // Nothing clear in household_search_term: the name index reads these households again.
        m_sealed.requireKeys();
        NameIndex::of(m_db, *m_sealed.keys(), true)->touch(householdIds);
        NameIndex::of(m_db, *m_sealed.keys(), false)->touch(householdIds);
        return;
    }
    constexpr std::size_t kChunk = 500;
    for (std::size_t start = 0; start < householdIds.size(); start += kChunk) {
        QVariantList ids;
        for (std::size_t i = start; i < std::min(householdIds.size(), start + kChunk); ++i)
            if (householdIds[i] != 0)
                ids << householdIds[i];
        if (ids.isEmpty())
            continue;
        const QString in = placeholders(ids.size());
        m_db.exec(QStringLiteral("DELETE FROM household_search_term WHERE household_id IN (%1)").arg(in),
                  ids);
        QHash<qint64, QSet<QString>> keys, names;
        QSqlQuery hq = m_db.exec(
            QStringLiteral("SELECT id, code, commune, postcode FROM household WHERE id IN (%1)").arg(in),
            ids);
        while (hq.next()) {
            QSet<QString>& k = keys[hq.value(0).toLongLong()];
            for (int c = 1; c <= 3; ++c)
                for (const QString& word : searchWords(hq.value(c).toString()))
                    k.insert(word);
        }
        QSqlQuery pq = m_db.exec(
            QStringLiteral(
                "SELECT household_id, code, first_name, last_name FROM person WHERE household_id IN (%1)")
                .arg(in),
            ids);
        while (pq.next()) {
            QSet<QString>& n = names[pq.value(0).toLongLong()];
            for (int c = 1; c <= 3; ++c)
                for (const QString& word : searchWords(pq.value(c).toString()))
                    n.insert(word);
        }
        BulkInserter inserter(
            m_db, QStringLiteral("household_search_term"),
            {QStringLiteral("household_id"), QStringLiteral("kind"), QStringLiteral("term")});
        for (auto it = keys.cbegin(); it != keys.cend(); ++it)
            for (const QString& term : it.value())
                inserter.add({it.key(), QStringLiteral("k"), term});
        for (auto it = names.cbegin(); it != names.cend(); ++it)
            for (const QString& term : it.value())
                if (!keys.value(it.key()).contains(term)) // (household, kind, term) is unique anyway
                    inserter.add({it.key(), QStringLiteral("n"), term});
        inserter.flush();
    }
}

void HouseholdRepository::ensureSearchTerms() const
{
    static const QString key = QStringLiteral("search_terms");
    if (m_sealed.on())
        return;
    {
        QSqlQuery q = m_db.exec(QStringLiteral("SELECT value FROM cabas_meta WHERE key = ?"), {key});
        if (q.next())
            return;
    }
    if (m_db.inTransaction())
        return;
    try {
        Database::Transaction tx(m_db);
        QSqlQuery q = m_db.exec(QStringLiteral("SELECT value FROM cabas_meta WHERE key = ?"), {key});
        if (q.next())
            return;
        std::vector<qint64> ids;
        QSqlQuery all = m_db.exec(QStringLiteral("SELECT id FROM household"));
        while (all.next())
            ids.push_back(all.value(0).toLongLong());
        refreshSearchTerms(ids);
        m_db.exec(QStringLiteral("INSERT INTO cabas_meta (key, value) VALUES (?, '1')"), {key});
        tx.commit();
    } catch (const Error&) {
        // A role that may not write (PostgreSQL roles): the terms come with the next writer's search.
    }
}

// ============================================================================ case file: history, notes

void HouseholdRepository::addStatusEvent(HouseholdStatusEvent& e) const
{
    if (!e.effectiveOn.isValid())
        throw Error(tr("effective_on: the date of the status change is required"), Error::Kind::Invalid);
    if (!e.recordedAt.isValid())
        e.recordedAt = Clock::instance().nowUtc();
    m_sealed.requireKeys();
    QSqlQuery q =
        m_db.exec(QStringLiteral("INSERT INTO household_status_event (household_id, status, effective_on, "
                                 "reason, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id"),
                  {e.householdId, toCode(e.status), dateValue(e.effectiveOn),
                   textValue(m_sealed.on() ? QString() : e.reason), idValue(e.recordedByUserId),
                   timestampValue(e.recordedAt)});
    q.next();
    e.id = q.value(0).toLongLong();
    sealById(m_db, m_sealed, QStringLiteral("household_status_event"), QStringLiteral("reason"),
             kStatusReason, e.id, e.reason);
}

std::vector<HouseholdStatusEvent> HouseholdRepository::statusHistory(qint64 householdId) const
{
    std::vector<HouseholdStatusEvent> result;
    QSqlQuery q = m_db.exec(
        QStringLiteral(
            "SELECT e.id, e.household_id, e.status, e.effective_on, e.reason, e.recorded_by, "
            "COALESCE(u.display_name, ''), e.recorded_at FROM household_status_event e LEFT JOIN app_user "
            "u ON u.id = e.recorded_by WHERE e.household_id = ? ORDER BY e.effective_on, e.id"),
        {householdId});
    while (q.next()) {
        HouseholdStatusEvent e;
        e.id = q.value(0).toLongLong();
        e.householdId = q.value(1).toLongLong();
        fromCode(q.value(2).toString(), &e.status);
        e.effectiveOn = toDate(q.value(3));
        e.reason = m_sealed.open(kStatusReason, QString::number(e.id), q.value(4));
        e.recordedByUserId = q.value(5).toLongLong();
        e.recordedByName = q.value(6).toString();
        e.recordedAt = toTimestamp(q.value(7));
        result.push_back(e);
    }
    return result;
}

void HouseholdRepository::addNote(HouseholdNote& n) const
{
    if (n.body.trimmed().isEmpty())
        throw Error(tr("note: the note is empty"), Error::Kind::Invalid);
    if (!n.writtenAt.isValid())
        n.writtenAt = Clock::instance().nowUtc();
    m_sealed.requireKeys();
    // A sealed body is bound to the note's id: a placeholder first (the column refuses an empty body).
    QSqlQuery q =
        m_db.exec(QStringLiteral("INSERT INTO household_note (household_id, written_at, author_user_id, "
                                 "body) VALUES (?, ?, ?, ?) RETURNING id"),
                  {n.householdId, timestampValue(n.writtenAt), idValue(n.authorUserId),
                   m_sealed.on() ? QStringLiteral("-") : n.body.trimmed()});
    q.next();
    n.id = q.value(0).toLongLong();
    sealById(m_db, m_sealed, QStringLiteral("household_note"), QStringLiteral("body"), kNoteBody, n.id,
             n.body.trimmed());
}

std::vector<HouseholdNote> HouseholdRepository::notes(qint64 householdId) const
{
    std::vector<HouseholdNote> result;
    QSqlQuery q =
        m_db.exec(QStringLiteral("SELECT n.id, n.household_id, n.written_at, n.author_user_id, "
                                 "COALESCE(u.display_name, ''), n.body FROM household_note n LEFT JOIN "
                                 "app_user u ON u.id = n.author_user_id WHERE n.household_id = ? ORDER BY "
                                 "n.written_at, n.id"),
                  {householdId});
    while (q.next()) {
        HouseholdNote n;
        n.id = q.value(0).toLongLong();
        n.householdId = q.value(1).toLongLong();
        n.writtenAt = toTimestamp(q.value(2));
        n.authorUserId = q.value(3).toLongLong();
        n.authorName = q.value(4).toString();
        n.body = m_sealed.open(kNoteBody, QString::number(n.id), q.value(5));
        result.push_back(n);
    }
    return result;
}

int PersonRepository::highestCodeNumber(const QString& prefix) const
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT code FROM person WHERE code LIKE ?"),
                            {prefix + QStringLiteral("%")});
    const QRegularExpression number(QStringLiteral("^%1(\\d+)$").arg(QRegularExpression::escape(prefix)));
    int highest = 0;
    while (q.next()) {
        const auto m = number.match(q.value(0).toString());
        if (m.hasMatch())
            highest = std::max(highest, m.captured(1).toInt());
    }
    return highest;
}

std::vector<PossibleDuplicate> PersonRepository::sameNameAndBirthDate(const QString& firstName,
                                                                      const QString& lastName,
                                                                      const QDate& birthDate) const
{
    std::vector<PossibleDuplicate> result;
    if (!birthDate.isValid())
        return result;
    if (m_sealed.on()) {
        m_sealed.requireKeys();
        const auto index = NameIndex::of(m_db, *m_sealed.keys());
        index->refresh(m_db, *m_sealed.keys());
        const std::vector<qint64> ids =
            index->sameNameAndBirthDate(m_db, *m_sealed.keys(), firstName, lastName, birthDate);
        if (ids.empty())
            return result;
        QStringList in;
        for (const qint64 id : ids)
            in << QString::number(id);
        QSqlQuery q =
            m_db.exec(QStringLiteral("SELECT %1, h.code FROM person p JOIN household h ON h.id = "
                                     "p.household_id WHERE p.id IN (%2) ORDER BY p.code")
                          .arg(personColumns(m_sealed, QStringLiteral("p")), in.join(QLatin1Char(','))));
        while (q.next())
            result.push_back({readPerson(q, m_sealed), q.value(personColumnCount(m_sealed)).toString()});
        return result;
    }
    QSqlQuery q =
        m_db.exec(QStringLiteral("SELECT %1, h.code FROM person p JOIN household h ON h.id = "
                                 "p.household_id WHERE p.search_name = ? AND p.birth_date = ? ORDER BY "
                                 "p.code")
                      .arg(personColumns(m_sealed, QStringLiteral("p"))),
                  {searchKey(firstName + QLatin1Char(' ') + lastName), dateValue(birthDate)});
    while (q.next())
        result.push_back({readPerson(q, m_sealed), q.value(12).toString()});
    return result;
}

std::optional<Card> CardRepository::findById(qint64 id) const
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT %1 FROM card WHERE id = ?").arg(kCardColumns), {id});
    if (!q.next())
        return std::nullopt;
    return readCard(q);
}

void CardRepository::addEvent(CardEvent& e) const
{
    if (!e.effectiveOn.isValid())
        throw Error(tr("effective_on: the date of the card change is required"), Error::Kind::Invalid);
    if (!e.recordedAt.isValid())
        e.recordedAt = Clock::instance().nowUtc();
    m_sealed.requireKeys();
    QSqlQuery q =
        m_db.exec(QStringLiteral("INSERT INTO card_event (card_id, status, effective_on, reason, "
                                 "recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id"),
                  {e.cardId, toCode(e.status), dateValue(e.effectiveOn),
                   textValue(m_sealed.on() ? QString() : e.reason), idValue(e.recordedByUserId),
                   timestampValue(e.recordedAt)});
    q.next();
    e.id = q.value(0).toLongLong();
    sealById(m_db, m_sealed, QStringLiteral("card_event"), QStringLiteral("reason"), kCardReason, e.id,
             e.reason);
}

std::vector<CardEvent> CardRepository::history(qint64 cardId) const
{
    std::vector<CardEvent> result;
    QSqlQuery q = m_db.exec(
        QStringLiteral(
            "SELECT e.id, e.card_id, e.status, e.effective_on, e.reason, e.recorded_by, "
            "COALESCE(u.display_name, ''), e.recorded_at FROM card_event e LEFT JOIN app_user u ON u.id "
            "= e.recorded_by WHERE e.card_id = ? ORDER BY e.effective_on, e.id"),
        {cardId});
    while (q.next()) {
        CardEvent e;
        e.id = q.value(0).toLongLong();
        e.cardId = q.value(1).toLongLong();
        fromCode(q.value(2).toString(), &e.status);
        e.effectiveOn = toDate(q.value(3));
        e.reason = m_sealed.open(kCardReason, QString::number(e.id), q.value(4));
        e.recordedByUserId = q.value(5).toLongLong();
        e.recordedByName = q.value(6).toString();
        e.recordedAt = toTimestamp(q.value(7));
        result.push_back(e);
    }
    return result;
}

} // namespace cabas::store

#include "store/HealthSealing.h"

#include "common/Error.h"
#include "security/KeyRing.h"
#include "store/SealExisting.h"
#include "store/Sealed.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QtEndian>
#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

namespace cabas::store {

namespace {

QByteArray context(QLatin1String field, qint64 rowId)
{
    return QByteArray(field.data(), field.size()) + ':' + QByteArray::number(rowId);
}

// The health value stored as base64 text in `field` of row `rowId`, opened with `ring`'s health key ("" stays
// "").
QByteArray openWith(const security::KeyRing& ring, QLatin1String field, qint64 rowId, const QVariant& stored)
{
    const QString text = stored.toString();
    if (text.isEmpty())
        return QByteArray();
    const auto decoded = Sealed::fromBase64(text);
    if (!decoded)
        throw Error(HealthSealing::tr("An encrypted health value is damaged (%1).")
                        .arg(QString::fromUtf8(context(field, rowId))),
                    Error::Kind::Storage);
    return ring.decrypt(security::KeyRing::Scope::Health, *decoded, context(field, rowId));
}

QByteArray cohortContext(const QString& source, qint64 recordId, qint64 personId, const QString& wave)
{
    // "cohort_health.sealed:SOURCE:RECORD:PERSON:WAVE", built in one allocation (the cohort opens one per
    // row: up to 4 per member).
    static constexpr char kPrefix[] = "cohort_health.sealed:";
    QByteArray out;
    out.reserve(qsizetype(sizeof kPrefix) + source.size() + wave.size() + 2 * 21);
    out.append(kPrefix, qsizetype(sizeof kPrefix - 1));
    const auto ascii = [&](const QString& text) {
        const bool plain =
            std::all_of(text.cbegin(), text.cend(), [](QChar c) { return c.unicode() < 0x80; });
        if (!plain) {
            out.append(text.toUtf8());
            return;
        }
        for (const QChar c : text)
            out.append(char(c.unicode()));
    };
    const auto number = [&](qint64 n) {
        char digits[24];
        const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
        out.append(digits, qsizetype(end - digits));
    };
    ascii(source);
    out.append(':');
    number(recordId);
    out.append(':');
    number(personId);
    out.append(':');
    ascii(wave);
    return out;
}

void putInt(QJsonObject& o, const char* key, const std::optional<int>& v)
{
    if (v)
        o.insert(QLatin1String(key), *v);
}

std::optional<int> getInt(const QJsonObject& o, const char* key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull())
        return std::nullopt;
    return v.toInt();
}

void putFrequency(QJsonObject& o, const char* key, const std::optional<Frequency>& f)
{
    if (f)
        o.insert(QLatin1String(key), toCode(*f));
}

std::optional<Frequency> getFrequency(const QJsonObject& o, const char* key)
{
    Frequency f;
    const QJsonValue v = o.value(QLatin1String(key));
    if (!v.isString() || !fromCode(v.toString(), &f))
        return std::nullopt;
    return f;
}

// The cohort payload as cohortPayload() writes it (a flat object of numbers and booleans with known keys,
// Qt's compact JSON), read without building a QJsonDocument: a coordinator's cohort opens up to four per
// person. False for anything else (openCohort() then reads it with QJsonDocument, or rejects it).
bool readFlatCohort(const QByteArray& json, HealthSealing::CohortValues& v)
{
    const char* c = json.constData();
    const char* end = c + json.size();
    if (c == end || *c++ != '{')
        return false;
    if (c != end && *c == '}')
        return c + 1 == end;
    while (c != end) {
        if (*c++ != '"')
            return false;
        const char* key = c;
        while (c != end && *c != '"')
            ++c;
        if (c == end)
            return false;
        const QByteArrayView name(key, c - key);
        ++c;
        if (c == end || *c++ != ':')
            return false;
        const char* value = c;
        while (c != end && *c != ',' && *c != '}')
            ++c;
        if (c == end)
            return false;
        const QByteArrayView text(value, c - value);
        if (name == "discovered") {
            if (text == "true")
                v.discovered = true;
            else if (text == "false")
                v.discovered = false;
            else
                return false;
        } else if (name == "bmi") {
            bool ok = false;
            const double d = QByteArray::fromRawData(text.data(), text.size()).toDouble(&ok);
            if (!ok)
                return false;
            v.bmi = d;
        } else {
            std::optional<int>* rank = name == "organic_fv"         ? &v.organicFv
                                       : name == "local_products"   ? &v.localProducts
                                       : name == "organic_products" ? &v.organicProducts
                                                                    : nullptr;
            if (!rank || text.size() != 1 || text[0] < '0' || text[0] > '4')
                return false;
            *rank = text[0] - '0';
        }
        if (*c++ == '}')
            return c == end;
    }
    return false;
}

QJsonObject parse(const QByteArray& json, const QByteArray& where)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        throw Error(
            HealthSealing::tr("An encrypted health value is damaged (%1).").arg(QString::fromUtf8(where)),
            Error::Kind::Storage);
    return doc.object();
}

QString sourceOf(const Checkup&)
{
    return QStringLiteral("checkup");
}

QString sourceOf(const DietQuestionnaire&)
{
    return QStringLiteral("questionnaire");
}

} // namespace

HealthSealing::HealthSealing(const Database& db, const security::KeyRing* keys)
    : m_db(db), m_keys(keys), m_on(Sealed::coversHealth(db))
{
}

bool HealthSealing::on() const
{
    if (!m_on)
        Sealed::coversHealthChecked(m_db);
    return m_on;
}

void HealthSealing::requireHealthKey() const
{
    if (m_on && (!m_keys || !m_keys->hasHealthKey()))
        throw Error(
            tr("This database keeps health data encrypted, and this session has no health key to open "
               "it: only a nurse's session holds it (nothing was read or written)."),
            Error::Kind::AccessDenied);
}

void HealthSealing::requireCohortKey() const
{
    if (m_on && (!m_keys || !m_keys->hasCohortKey()))
        throw Error(
            tr("This database keeps the cohort's health figures encrypted, and this session has no cohort "
               "key yet: a nurse's next login gives it, then log in again (nothing was read or written)."),
            Error::Kind::AccessDenied);
}

QString HealthSealing::sealWith(const security::KeyRing& ring, QLatin1String field, qint64 rowId,
                                const QByteArray& plain)
{
    if (plain.isEmpty())
        return QStringLiteral("");
    return QString::fromLatin1(
        ring.encrypt(security::KeyRing::Scope::Health, plain, context(field, rowId)).toBase64());
}

QString HealthSealing::seal(QLatin1String field, qint64 rowId, const QByteArray& plain) const
{
    requireHealthKey();
    return sealWith(*m_keys, field, rowId, plain);
}

QByteArray HealthSealing::open(QLatin1String field, qint64 rowId, const QVariant& stored) const
{
    requireHealthKey();
    return openWith(*m_keys, field, rowId, stored);
}

QString HealthSealing::sealText(QLatin1String field, qint64 rowId, const QString& value) const
{
    if (!on()) // sealed by another client meanwhile: Conflict, nothing written
        return value;
    return seal(field, rowId, value.toUtf8());
}

QString HealthSealing::openText(QLatin1String field, qint64 rowId, const QVariant& stored) const
{
    if (!m_on)
        return stored.toString();
    return QString::fromUtf8(open(field, rowId, stored));
}

QByteArray HealthSealing::checkupPayload(const Checkup& c)
{
    QJsonObject o;
    putInt(o, "weight_g", c.weightG);
    putInt(o, "height_mm", c.heightMm);
    putInt(o, "waist_mm", c.waistMm);
    putInt(o, "systolic_mmhg", c.systolicMmHg);
    putInt(o, "diastolic_mmhg", c.diastolicMmHg);
    putInt(o, "glucose_mg_dl", c.glucoseMgDl);
    o.insert(QLatin1String("notes"), c.notes);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

void HealthSealing::readCheckupPayload(const QByteArray& json, Checkup& c)
{
    const QJsonObject o = parse(json, context(QLatin1String("checkup.sealed"), c.id));
    c.weightG = getInt(o, "weight_g");
    c.heightMm = getInt(o, "height_mm");
    c.waistMm = getInt(o, "waist_mm");
    c.systolicMmHg = getInt(o, "systolic_mmhg");
    c.diastolicMmHg = getInt(o, "diastolic_mmhg");
    c.glucoseMgDl = getInt(o, "glucose_mg_dl");
    c.notes = o.value(QLatin1String("notes")).toString();
}

QByteArray HealthSealing::questionnairePayload(const DietQuestionnaire& q)
{
    QJsonObject o;
    putInt(o, "fv_portions_x10", q.fvPortionsX10);
    putFrequency(o, "organic_fv_freq", q.organicFv);
    putFrequency(o, "local_products_freq", q.localProducts);
    putFrequency(o, "organic_products_freq", q.organicProducts);
    if (q.discoveredSustainableShop)
        o.insert(QLatin1String("discovered_sustainable_shop"), *q.discoveredSustainableShop);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

void HealthSealing::readQuestionnairePayload(const QByteArray& json, DietQuestionnaire& q)
{
    const QJsonObject o = parse(json, context(QLatin1String("diet_questionnaire.sealed"), q.id));
    q.fvPortionsX10 = getInt(o, "fv_portions_x10");
    q.organicFv = getFrequency(o, "organic_fv_freq");
    q.localProducts = getFrequency(o, "local_products_freq");
    q.organicProducts = getFrequency(o, "organic_products_freq");
    const QJsonValue d = o.value(QLatin1String("discovered_sustainable_shop"));
    q.discoveredSustainableShop = d.isBool() ? std::optional<bool>(d.toBool()) : std::nullopt;
}

std::optional<double> HealthSealing::cohortBmi(const Checkup& c)
{
    if (!c.weightG || !c.heightMm)
        return std::nullopt;
    // As CohortQueries' SQL: CAST(weight_g AS DOUBLE) * 1000.0 / (height_mm * height_mm), in doubles.
    const double h = double(*c.heightMm);
    return double(*c.weightG) * 1000.0 / (h * h);
}

QByteArray HealthSealing::cohortPayload(const Checkup& c)
{
    QJsonObject o;
    if (const auto bmi = cohortBmi(c))
        o.insert(QLatin1String("bmi"), *bmi); // Qt writes the shortest text that reads back the same double
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray HealthSealing::cohortPayload(const DietQuestionnaire& q)
{
    QJsonObject o;
    auto rank = [&](const char* key, const std::optional<Frequency>& f) {
        if (f)
            o.insert(QLatin1String(key), int(*f)); // never 0 .. always 4, as CohortQueries' rank()
    };
    rank("organic_fv", q.organicFv);
    rank("local_products", q.localProducts);
    rank("organic_products", q.organicProducts);
    if (q.discoveredSustainableShop)
        o.insert(QLatin1String("discovered"), *q.discoveredSustainableShop);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

namespace {
const QLatin1String kDeleteCohortRow("DELETE FROM cohort_health WHERE source = ? AND record_id = ?");
const QLatin1String kInsertCohortRow("INSERT INTO cohort_health (person_id, wave, source, record_id, "
                                     "recorded_on, sealed) VALUES (?, ?, ?, ?, ?, ?)");

} // namespace

QVariantList HealthSealing::cohortRow(const security::KeyRing& ring, const QString& source, qint64 recordId,
                                      qint64 personId, const QString& wave, const QDate& on,
                                      const QByteArray& payload)
{
    const QString sealed = QString::fromLatin1(ring.encrypt(security::KeyRing::Scope::Cohort, payload,
                                                            cohortContext(source, recordId, personId, wave))
                                                   .toBase64());
    return {personId, wave, source, recordId, dateValue(on), sealed};
}

void HealthSealing::writeCohortRow(const Database& db, const security::KeyRing& ring, const QString& source,
                                   qint64 recordId, qint64 personId, const QString& wave, const QDate& on,
                                   const QByteArray& payload)
{
    const QVariantList row = cohortRow(ring, source, recordId, personId, wave, on, payload);
    db.exec(QString(kDeleteCohortRow), {source, recordId});
    db.exec(QString(kInsertCohortRow), row);
    // The member's row follows (a record moved to another wave leaves its old slot too).
    writeCohortPerson(db, ring, personId);
}

void HealthSealing::writeCohort(const Checkup& c) const
{
    if (!m_on)
        return;
    requireCohortKey();
    writeCohortRow(m_db, *m_keys, sourceOf(c), c.id, c.personId, c.wave, c.takenOn, cohortPayload(c));
}

void HealthSealing::writeCohort(const DietQuestionnaire& q) const
{
    if (!m_on)
        return;
    requireCohortKey();
    writeCohortRow(m_db, *m_keys, sourceOf(q), q.id, q.personId, q.wave, q.answeredOn, cohortPayload(q));
}

HealthSealing::CohortValues HealthSealing::openCohort(const security::KeyRing& ring, const QString& source,
                                                      qint64 recordId, qint64 personId, const QString& wave,
                                                      const QString& stored)
{
    return openCohort(ring, source, recordId, personId, wave, QByteArrayView(stored.toLatin1()));
}

HealthSealing::CohortValues HealthSealing::openCohort(const security::KeyRing& ring, const QString& source,
                                                      qint64 recordId, qint64 personId, const QString& wave,
                                                      QByteArrayView stored)
{
    const QByteArray where = cohortContext(source, recordId, personId, wave);
    const auto decoded = Sealed::fromBase64(stored);
    if (!decoded)
        throw Error(tr("An encrypted health value is damaged (%1).").arg(QString::fromUtf8(where)),
                    Error::Kind::Storage);
    const QByteArray json = ring.decrypt(security::KeyRing::Scope::Cohort, *decoded, where);
    CohortValues v;
    if (readFlatCohort(json, v))
        return v;
    v = CohortValues();
    const QJsonObject o = parse(json, where);
    const QJsonValue bmi = o.value(QLatin1String("bmi"));
    if (bmi.isDouble())
        v.bmi = bmi.toDouble();
    v.organicFv = getInt(o, "organic_fv");
    v.localProducts = getInt(o, "local_products");
    v.organicProducts = getInt(o, "organic_products");
    const QJsonValue d = o.value(QLatin1String("discovered"));
    if (d.isBool())
        v.discovered = d.toBool();
    return v;
}

namespace {

const QLatin1String kPersonsMarker("cohort_person_health");
constexpr char kPersonFormat = 1;
constexpr qsizetype kPersonSlotBytes = 1 + 4 + 8 + 3; // flags, day, BMI, three ranks
constexpr qsizetype kPersonBytes = 1 + 4 * kPersonSlotBytes;

QByteArray personContext(qint64 personId)
{
    return QByteArrayLiteral("cohort_person_health.sealed:") + QByteArray::number(personId);
}

int dayOf(const QDate& date)
{
    return date.isValid() ? date.year() * 10000 + date.month() * 100 + date.day() : 0;
}

// The slot of a member's row for a cohort_health row (null for waves other than M0 and M6).
std::optional<HealthSealing::CohortRecord>* slotOf(HealthSealing::CohortPerson& p, QStringView source,
                                                   QStringView wave)
{
    const bool m0 = wave == u"M0";
    if (!m0 && wave != u"M6")
        return nullptr;
    if (source == u"checkup")
        return m0 ? &p.c0 : &p.c6;
    return m0 ? &p.q0 : &p.q6;
}

} // namespace

QByteArray HealthSealing::cohortPersonPayload(const CohortPerson& p)
{
    // Fixed binary layout (little-endian), read without a parser: version, then per slot (c0, c6, q0, q6)
    // flags (1 present, 2 BMI, 4 discovered answered, 8 discovered yes), the date as YYYYMMDD, the BMI's
    // double, the three ranks (-1: none).
    QByteArray out;
    out.reserve(kPersonBytes);
    out.append(kPersonFormat);
    for (const std::optional<CohortRecord>* slot : {&p.c0, &p.c6, &p.q0, &p.q6}) {
        std::uint8_t flags = 0;
        qint32 day = 0;
        double bmi = 0;
        std::array<qint8, 3> ranks{-1, -1, -1};
        if (*slot) {
            const CohortRecord& r = **slot;
            flags |= 1;
            day = r.day;
            if (r.values.bmi) {
                flags |= 2;
                bmi = *r.values.bmi;
            }
            if (r.values.discovered)
                flags |= *r.values.discovered ? 4 | 8 : 4;
            const std::array<std::optional<int>, 3> rs{r.values.organicFv, r.values.localProducts,
                                                       r.values.organicProducts};
            for (std::size_t i = 0; i < 3; ++i)
                ranks[i] = rs[i] ? qint8(*rs[i]) : qint8(-1);
        }
        out.append(char(flags));
        const qint32 dayLe = qToLittleEndian(day);
        out.append(reinterpret_cast<const char*>(&dayLe), 4);
        quint64 bits = 0;
        std::memcpy(&bits, &bmi, 8);
        bits = qToLittleEndian(bits);
        out.append(reinterpret_cast<const char*>(&bits), 8);
        for (const qint8 r : ranks)
            out.append(char(r));
    }
    return out;
}

QString HealthSealing::sealCohortPerson(const security::KeyRing& ring, qint64 personId, const CohortPerson& p)
{
    return QString::fromLatin1(
        ring.encrypt(security::KeyRing::Scope::Cohort, cohortPersonPayload(p), personContext(personId))
            .toBase64());
}

HealthSealing::CohortPerson HealthSealing::openCohortPerson(const security::KeyRing& ring, qint64 personId,
                                                            QByteArrayView stored)
{
    const QByteArray where = personContext(personId);
    const auto decoded = Sealed::fromBase64(stored);
    if (!decoded)
        throw Error(tr("An encrypted health value is damaged (%1).").arg(QString::fromUtf8(where)),
                    Error::Kind::Storage);
    const QByteArray plain = ring.decrypt(security::KeyRing::Scope::Cohort, *decoded, where);
    if (plain.size() != kPersonBytes || plain[0] != kPersonFormat)
        throw Error(tr("An encrypted health value is damaged (%1).").arg(QString::fromUtf8(where)),
                    Error::Kind::Storage);
    CohortPerson p;
    const char* at = plain.constData() + 1;
    for (std::optional<CohortRecord>* slot : {&p.c0, &p.c6, &p.q0, &p.q6}) {
        const auto flags = std::uint8_t(at[0]);
        if (flags & 1) {
            CohortRecord r;
            qint32 day = 0;
            std::memcpy(&day, at + 1, 4);
            r.day = qFromLittleEndian(day);
            if (flags & 2) {
                quint64 bits = 0;
                std::memcpy(&bits, at + 5, 8);
                bits = qFromLittleEndian(bits);
                double bmi = 0;
                std::memcpy(&bmi, &bits, 8);
                r.values.bmi = bmi;
            }
            if (flags & 4)
                r.values.discovered = (flags & 8) != 0;
            std::optional<int>* ranks[] = {&r.values.organicFv, &r.values.localProducts,
                                           &r.values.organicProducts};
            for (int i = 0; i < 3; ++i) {
                const auto rank = qint8(at[13 + i]);
                if (rank >= 0)
                    *ranks[i] = rank;
            }
            *slot = r;
        }
        at += kPersonSlotBytes;
    }
    return p;
}

void HealthSealing::writeCohortPerson(const Database& db, const security::KeyRing& ring, qint64 personId)
{
    // SQLite only: PostgreSQL's cohort reads cohort_health (and two nurses saving for the same person there
    // would race on this row).
    if (db.backend() != Backend::Sqlite || db.schemaVersion() < 17)
        return;
    CohortPerson p;
    bool any = false;
    QSqlQuery q =
        db.exec(QStringLiteral("SELECT source, wave, record_id, recorded_on, sealed FROM cohort_health "
                               "WHERE person_id = ? AND wave IN ('M0', 'M6')"),
                {personId});
    while (q.next()) {
        const QString source = q.value(0).toString();
        const QString wave = q.value(1).toString();
        std::optional<CohortRecord>* slot = slotOf(p, source, wave);
        if (!slot)
            continue;
        const QDate on = toDate(q.value(3));
        *slot = CohortRecord{dayOf(on), openCohort(ring, source, q.value(2).toLongLong(), personId, wave,
                                                   q.value(4).toString())};
        any = true;
    }
    db.exec(QStringLiteral("DELETE FROM cohort_person_health WHERE person_id = ?"), {personId});
    if (any)
        db.exec(QStringLiteral("INSERT INTO cohort_person_health (person_id, sealed) VALUES (?, ?)"),
                {personId, sealCohortPerson(ring, personId, p)});
}

bool HealthSealing::cohortPersonsComplete(const Database& db)
{
    if (db.backend() != Backend::Sqlite || db.schemaVersion() < 17)
        return false;
    QSqlQuery q =
        db.exec(QStringLiteral("SELECT 1 FROM cabas_meta WHERE key = ?"), {QString(kPersonsMarker)});
    return q.next();
}

void HealthSealing::writeCohortPersons(const Database& db, const security::KeyRing& ring)
{
    if (!db.inTransaction())
        throw Error(tr("Writing the cohort's rows per member runs inside a transaction."),
                    Error::Kind::Invalid);
    if (!ring.hasCohortKey())
        throw Error(tr("Writing the cohort's rows per member needs the cohort key."),
                    Error::Kind::AccessDenied);
    if (db.backend() != Backend::Sqlite)
        return; // PostgreSQL's cohort reads cohort_health; its table stays empty
    // Writers of cohort_health (a nurse saving a checkup) wait until this transaction ends: SQLite's
    // transactions begin IMMEDIATE (Database::Transaction), so this one holds the write lock from its start.
    db.exec(QStringLiteral("DELETE FROM cohort_person_health"));
    // Every row read and opened first, then the members' rows written (PostgreSQL's driver drops the rest of
    // a result when another statement runs).
    std::vector<std::pair<qint64, CohortPerson>> persons;
    {
        QSqlQuery q =
            db.exec(QStringLiteral("SELECT person_id, source, wave, record_id, recorded_on, sealed "
                                   "FROM cohort_health WHERE wave IN ('M0', 'M6') ORDER BY person_id"));
        while (q.next()) {
            const qint64 personId = q.value(0).toLongLong();
            if (persons.empty() || persons.back().first != personId)
                persons.emplace_back(personId, CohortPerson());
            const QString source = q.value(1).toString();
            const QString wave = q.value(2).toString();
            std::optional<CohortRecord>* slot = slotOf(persons.back().second, source, wave);
            if (slot)
                *slot = CohortRecord{
                    dayOf(toDate(q.value(4))),
                    openCohort(ring, source, q.value(3).toLongLong(), personId, wave, q.value(5).toString())};
        }
    }
    QSqlQuery insert =
        db.prepare(QStringLiteral("INSERT INTO cohort_person_health (person_id, sealed) VALUES (?, ?)"));
    for (const auto& [personId, person] : persons)
        Database::exec(insert, {personId, sealCohortPerson(ring, personId, person)});
    db.exec(
        QStringLiteral("INSERT INTO cabas_meta (key, value) SELECT ?, 'complete' WHERE NOT EXISTS (SELECT 1 "
                       "FROM cabas_meta WHERE key = ?)"),
        {QString(kPersonsMarker), QString(kPersonsMarker)});
}

void HealthSealing::completeCohortPersons(const Database& db, const security::KeyRing& ring)
{
    if (db.backend() != Backend::Sqlite || !ring.hasCohortKey() || db.schemaVersion() < 17 ||
        !Sealed::coversHealth(db) || cohortPersonsComplete(db))
        return;
    Database::Transaction tx(db);
    if (cohortPersonsComplete(db)) // another client did it meanwhile
        return;
    writeCohortPersons(db, ring);
    tx.commit();
}

namespace {

// The clear columns of a checkup and of a questionnaire (a clear or format-1 database), as the repositories
// wrote them before sealing.
const QLatin1String
    kCheckupColumns("id, person_id, taken_on, wave, weight_g, height_mm, waist_mm, systolic_mmhg, "
                    "diastolic_mmhg, glucose_mg_dl, notes");
const QLatin1String kQuestionnaireColumns(
    "id, person_id, answered_on, wave, fv_portions_x10, organic_fv_freq, local_products_freq, "
    "organic_products_freq, discovered_sustainable_shop");

std::optional<int> optionalInt(const QSqlQuery& q, int i)
{
    return q.value(i).isNull() ? std::nullopt : std::optional<int>(q.value(i).toInt());
}

Checkup clearCheckup(const QSqlQuery& q)
{
    Checkup c;
    c.id = q.value(0).toLongLong();
    c.personId = q.value(1).toLongLong();
    c.takenOn = toDate(q.value(2));
    c.wave = q.value(3).toString();
    c.weightG = optionalInt(q, 4);
    c.heightMm = optionalInt(q, 5);
    c.waistMm = optionalInt(q, 6);
    c.systolicMmHg = optionalInt(q, 7);
    c.diastolicMmHg = optionalInt(q, 8);
    c.glucoseMgDl = optionalInt(q, 9);
    c.notes = q.value(10).toString();
    return c;
}

DietQuestionnaire clearQuestionnaire(const QSqlQuery& r)
{
    const auto frequency = [&](int i) {
        Frequency f;
        return !r.value(i).isNull() && fromCode(r.value(i).toString(), &f) ? std::optional<Frequency>(f)
                                                                           : std::nullopt;
    };
    DietQuestionnaire q;
    q.id = r.value(0).toLongLong();
    q.personId = r.value(1).toLongLong();
    q.answeredOn = toDate(r.value(2));
    q.wave = r.value(3).toString();
    q.fvPortionsX10 = optionalInt(r, 4);
    q.organicFv = frequency(5);
    q.localProducts = frequency(6);
    q.organicProducts = frequency(7);
    if (!r.value(8).isNull())
        q.discoveredSustainableShop = r.value(8).toBool();
    return q;
}

// The free texts sealed in their own columns.
struct TextColumns
{
    const char* table;
    std::vector<const char*> columns;
};
const TextColumns kTexts[] = {{"checkup_correction", {"reason"}},
                              {"prevention_step", {"partner", "outcome", "notes"}},
                              {"support_session", {"topic", "notes"}}};

QByteArray fieldOf(const char* table, const char* column)
{
    return QByteArray(table) + '.' + QByteArray(column);
}

} // namespace

void HealthSealing::sealExistingHealth(const Database& db, const security::KeyRing& ring,
                                       const std::function<bool(qint64 done, qint64 total)>& progress)
{
    if (!db.inTransaction())
        throw Error(tr("Sealing the health data of a database runs inside its migration's transaction."),
                    Error::Kind::Invalid);
    if (!ring.hasHealthKey() || !ring.hasCohortKey())
        throw Error(tr("Sealing the health data needs the health key and the cohort key (a nurse's keys)."),
                    Error::Kind::AccessDenied);
    // The rows to rewrite, for the progress (a large programme's health tables take minutes).
    qint64 total = 0;
    const auto count = [&](const QString& sql) {
        QSqlQuery q = db.exec(sql);
        total += q.next() ? q.value(0).toLongLong() : 0;
    };
    count(QStringLiteral("SELECT COUNT(*) FROM checkup WHERE sealed IS NULL"));
    count(QStringLiteral("SELECT COUNT(*) FROM diet_questionnaire WHERE sealed IS NULL"));
    for (const TextColumns& t : kTexts)
        count(QStringLiteral("SELECT COUNT(*) FROM %1").arg(QLatin1String(t.table)));
    SealExisting::Rows done(total, progress);
    done.tell();
    // Statements run for every row, prepared once (Database::exec(sql, values) prepares at each call).
    QSqlQuery removeCohort = db.prepare(QString(kDeleteCohortRow));
    QSqlQuery insertCohort = db.prepare(QString(kInsertCohortRow));
    // Checkups: the values into one sealed JSON, the clear columns emptied; a cohort row each.
    {
        std::vector<Checkup> rows;
        QSqlQuery q = db.exec(
            QStringLiteral("SELECT %1 FROM checkup WHERE sealed IS NULL ORDER BY id").arg(kCheckupColumns));
        while (q.next())
            rows.push_back(clearCheckup(q));
        QSqlQuery update =
            db.prepare(QStringLiteral("UPDATE checkup SET weight_g = NULL, height_mm = NULL, waist_mm = "
                                      "NULL, systolic_mmhg = NULL, diastolic_mmhg = NULL, glucose_mg_dl = "
                                      "NULL, notes = '', sealed = ? WHERE id = ?"));
        for (const Checkup& c : rows) {
            Database::exec(update,
                           {sealWith(ring, QLatin1String("checkup.sealed"), c.id, checkupPayload(c)), c.id});
            Database::exec(removeCohort, {sourceOf(c), c.id});
            Database::exec(insertCohort, cohortRow(ring, sourceOf(c), c.id, c.personId, c.wave, c.takenOn,
                                                   cohortPayload(c)));
            done.step();
        }
    }
    // Questionnaires: the same.
    {
        std::vector<DietQuestionnaire> rows;
        QSqlQuery r =
            db.exec(QStringLiteral("SELECT %1 FROM diet_questionnaire WHERE sealed IS NULL ORDER BY id")
                        .arg(kQuestionnaireColumns));
        while (r.next())
            rows.push_back(clearQuestionnaire(r));
        QSqlQuery update =
            db.prepare(QStringLiteral("UPDATE diet_questionnaire SET fv_portions_x10 = NULL, "
                                      "organic_fv_freq = NULL, local_products_freq = NULL, "
                                      "organic_products_freq = NULL, discovered_sustainable_shop = NULL, "
                                      "sealed = ? WHERE id = ?"));
        for (const DietQuestionnaire& q : rows) {
            Database::exec(update, {sealWith(ring, QLatin1String("diet_questionnaire.sealed"), q.id,
                                             questionnairePayload(q)),
                                    q.id});
            Database::exec(removeCohort, {sourceOf(q), q.id});
            Database::exec(insertCohort, cohortRow(ring, sourceOf(q), q.id, q.personId, q.wave, q.answeredOn,
                                                   cohortPayload(q)));
            done.step();
        }
    }
    // Free texts in their own columns.
    for (const TextColumns& t : kTexts) {
        QStringList columns;
        for (const char* c : t.columns)
            columns << QLatin1String(c);
        std::vector<std::pair<qint64, QStringList>> rows;
        QSqlQuery q = db.exec(QStringLiteral("SELECT id, %1 FROM %2 ORDER BY id")
                                  .arg(columns.join(QStringLiteral(", ")), QLatin1String(t.table)));
        while (q.next()) {
            QStringList values;
            for (int i = 0; i < columns.size(); ++i)
                values << q.value(i + 1).toString();
            rows.emplace_back(q.value(0).toLongLong(), values);
        }
        QStringList sets;
        for (const QString& c : columns)
            sets << c + QStringLiteral(" = ?");
        QSqlQuery update = db.prepare(QStringLiteral("UPDATE %1 SET %2 WHERE id = ?")
                                          .arg(QLatin1String(t.table), sets.join(QStringLiteral(", "))));
        for (const auto& [id, values] : rows) {
            QVariantList bound;
            for (int i = 0; i < columns.size(); ++i) {
                const QByteArray field = fieldOf(t.table, t.columns[std::size_t(i)]);
                bound << sealWith(ring, QLatin1String(field.constData(), field.size()), id,
                                  values[i].toUtf8());
            }
            bound << id;
            Database::exec(update, bound);
            done.step();
        }
    }
    // The cohort's rows per member, from the cohort_health rows written above.
    if (db.schemaVersion() >= 17)
        writeCohortPersons(db, ring);
}

QStringList HealthSealing::sample(const Database& db, const security::KeyRing* ring, int each)
{
    const auto idsOf = [&](const char* table) {
        std::vector<qint64> ids;
        for (const char* order : {"ASC", "DESC"}) {
            QSqlQuery q = db.exec(QStringLiteral("SELECT id FROM %1 ORDER BY id %2 LIMIT %3")
                                      .arg(QLatin1String(table), QLatin1String(order))
                                      .arg(each));
            while (q.next())
                if (std::find(ids.begin(), ids.end(), q.value(0).toLongLong()) == ids.end())
                    ids.push_back(q.value(0).toLongLong());
        }
        return ids;
    };
    QStringList out;
    for (const qint64 id : idsOf("checkup")) {
        QSqlQuery q =
            db.exec(QStringLiteral("SELECT %1, sealed FROM checkup WHERE id = ?").arg(kCheckupColumns), {id});
        if (!q.next())
            continue;
        Checkup c = clearCheckup(q);
        if (ring)
            readCheckupPayload(openWith(*ring, QLatin1String("checkup.sealed"), id, q.value(11)), c);
        out << QStringLiteral("checkup %1 %2 %3 %4 ")
                       .arg(id)
                       .arg(c.personId)
                       .arg(c.takenOn.toString(Qt::ISODate), c.wave) +
                   QString::fromUtf8(checkupPayload(c));
    }
    for (const qint64 id : idsOf("diet_questionnaire")) {
        QSqlQuery r = db.exec(QStringLiteral("SELECT %1, sealed FROM diet_questionnaire WHERE id = ?")
                                  .arg(kQuestionnaireColumns),
                              {id});
        if (!r.next())
            continue;
        DietQuestionnaire q = clearQuestionnaire(r);
        if (ring)
            readQuestionnairePayload(
                openWith(*ring, QLatin1String("diet_questionnaire.sealed"), id, r.value(9)), q);
        out << QStringLiteral("questionnaire %1 %2 %3 %4 ")
                       .arg(id)
                       .arg(q.personId)
                       .arg(q.answeredOn.toString(Qt::ISODate), q.wave) +
                   QString::fromUtf8(questionnairePayload(q));
    }
    for (const TextColumns& t : kTexts) {
        QStringList columns;
        for (const char* c : t.columns)
            columns << QLatin1String(c);
        for (const qint64 id : idsOf(t.table)) {
            QSqlQuery q = db.exec(QStringLiteral("SELECT %1 FROM %2 WHERE id = ?")
                                      .arg(columns.join(QStringLiteral(", ")), QLatin1String(t.table)),
                                  {id});
            if (!q.next())
                continue;
            out << QStringLiteral("%1 %2").arg(QLatin1String(t.table)).arg(id);
            for (int i = 0; i < columns.size(); ++i) {
                const QByteArray field = fieldOf(t.table, t.columns[std::size_t(i)]);
                out << (ring ? QString::fromUtf8(openWith(
                                   *ring, QLatin1String(field.constData(), field.size()), id, q.value(i)))
                             : q.value(i).toString());
            }
        }
    }
    return out;
}

} // namespace cabas::store

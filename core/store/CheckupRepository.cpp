#include "store/CheckupRepository.h"

#include "common/Clock.h"
#include "common/Error.h"

namespace cabas::store {

namespace {
QVariant optionalInt(const std::optional<int>& v)
{
    return v ? QVariant(*v) : QVariant(QMetaType(QMetaType::Int));
}

std::optional<int> readOptional(const QVariant& v)
{
    if (v.isNull())
        return std::nullopt;
    return v.toInt();
}
} // namespace

void CheckupRepository::insert(Checkup& c)
{
    const QStringList problems = c.validate();
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')), Error::Kind::Invalid);
    QSqlQuery existing = m_db.exec(QStringLiteral("SELECT 1 FROM checkup WHERE person_id = ? AND wave = ?"),
                                   {c.personId, c.wave});
    if (existing.next())
        throw Error(tr("This person already has a checkup for wave %1.").arg(c.wave), Error::Kind::Conflict);
    const bool sealed = m_seal.on();
    if (sealed) {
        m_seal.requireHealthKey();
        m_seal.requireCohortKey();
    }
    // Sealed: the values go into `sealed` once the row id is known, the clear columns stay empty.
    auto clear = [&](const std::optional<int>& v) { return optionalInt(sealed ? std::nullopt : v); };
    const QVariant now = timestampValue(Clock::instance().nowUtc());
    QSqlQuery q = m_db.exec(
        QStringLiteral(
            "INSERT INTO checkup (person_id, taken_on, wave, nurse_user_id, weight_g, height_mm, waist_mm, "
            "systolic_mmhg, diastolic_mmhg, glucose_mg_dl, notes, version, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id"),
        {c.personId, dateValue(c.takenOn), c.wave, idValue(c.nurseUserId), clear(c.weightG),
         clear(c.heightMm), clear(c.waistMm), clear(c.systolicMmHg), clear(c.diastolicMmHg),
         clear(c.glucoseMgDl), textValue(sealed ? QString() : c.notes), now, now});
    q.next();
    c.id = q.value(0).toLongLong();
    c.version = 1;
    if (sealed) {
        m_db.exec(
            QStringLiteral("UPDATE checkup SET sealed = ? WHERE id = ?"),
            {m_seal.seal(QLatin1String("checkup.sealed"), c.id, HealthSealing::checkupPayload(c)), c.id});
        m_seal.writeCohort(c);
    }
}

namespace {
const QString kCheckupColumns = QStringLiteral(
    "id, person_id, taken_on, wave, nurse_user_id, weight_g, height_mm, waist_mm, systolic_mmhg, "
    "diastolic_mmhg, glucose_mg_dl, notes, version, sealed");
} // namespace

Checkup CheckupRepository::readCheckup(const QSqlQuery& q) const
{
    Checkup c;
    c.id = q.value(0).toLongLong();
    c.personId = q.value(1).toLongLong();
    c.takenOn = toDate(q.value(2));
    c.wave = q.value(3).toString();
    c.nurseUserId = q.value(4).toLongLong();
    c.weightG = readOptional(q.value(5));
    c.heightMm = readOptional(q.value(6));
    c.waistMm = readOptional(q.value(7));
    c.systolicMmHg = readOptional(q.value(8));
    c.diastolicMmHg = readOptional(q.value(9));
    c.glucoseMgDl = readOptional(q.value(10));
    c.notes = q.value(11).toString();
    c.version = q.value(12).toInt();
    if (m_seal.on())
        HealthSealing::readCheckupPayload(m_seal.open(QLatin1String("checkup.sealed"), c.id, q.value(13)), c);
    return c;
}

void CheckupRepository::update(Checkup& c)
{
    const QStringList problems = c.validate();
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')), Error::Kind::Invalid);
    QSqlQuery other =
        m_db.exec(QStringLiteral("SELECT 1 FROM checkup WHERE person_id = ? AND wave = ? AND id <> ?"),
                  {c.personId, c.wave, c.id});
    if (other.next())
        throw Error(tr("This person already has a checkup for wave %1.").arg(c.wave), Error::Kind::Conflict);
    const bool sealed = m_seal.on();
    if (sealed) {
        m_seal.requireHealthKey();
        m_seal.requireCohortKey();
    }
    auto clear = [&](const std::optional<int>& v) { return optionalInt(sealed ? std::nullopt : v); };
    const QVariant sealedValue =
        sealed
            ? QVariant(m_seal.seal(QLatin1String("checkup.sealed"), c.id, HealthSealing::checkupPayload(c)))
            : QVariant(QMetaType(QMetaType::QString));
    QSqlQuery q =
        m_db.exec(QStringLiteral(
                      "UPDATE checkup SET taken_on = ?, wave = ?, weight_g = ?, height_mm = ?, waist_mm = ?, "
                      "systolic_mmhg = ?, diastolic_mmhg = ?, glucose_mg_dl = ?, notes = ?, sealed = ?, "
                      "updated_at = ?, version = version + 1 WHERE id = ? AND person_id = ? AND version = ?"),
                  {dateValue(c.takenOn), c.wave, clear(c.weightG), clear(c.heightMm), clear(c.waistMm),
                   clear(c.systolicMmHg), clear(c.diastolicMmHg), clear(c.glucoseMgDl),
                   textValue(sealed ? QString() : c.notes), sealedValue,
                   timestampValue(Clock::instance().nowUtc()), c.id, c.personId, c.version});
    if (q.numRowsAffected() != 1)
        throw Error(tr("This checkup was corrected by someone else since you opened it; reopen it to see "
                       "their values."),
                    Error::Kind::Conflict);
    ++c.version;
    m_seal.writeCohort(c);
}

std::optional<Checkup> CheckupRepository::findById(qint64 id) const
{
    m_seal.requireHealthKey();
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT %1 FROM checkup WHERE id = ?").arg(kCheckupColumns), {id});
    if (!q.next())
        return std::nullopt;
    return readCheckup(q);
}

std::vector<Checkup> CheckupRepository::forPerson(qint64 personId) const
{
    std::vector<Checkup> result;
    m_seal.requireHealthKey();
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT %1 FROM checkup WHERE person_id = ? ORDER BY taken_on, id")
                                .arg(kCheckupColumns),
                            {personId});
    while (q.next())
        result.push_back(readCheckup(q));
    return result;
}

void CheckupRepository::addCorrection(CheckupCorrection& c)
{
    if (c.reason.trimmed().isEmpty())
        throw Error(tr("reason: a correction needs its reason"), Error::Kind::Invalid);
    if (m_seal.on())
        m_seal.requireHealthKey();
    // Sealed: a placeholder (the column refuses an empty reason), then the reason sealed with the row id.
    QSqlQuery q = m_db.exec(
        QStringLiteral("INSERT INTO checkup_correction (checkup_id, corrected_at, corrected_by, reason, "
                       "version) VALUES (?, ?, ?, ?, ?) RETURNING id"),
        {c.checkupId, timestampValue(c.correctedAt),
         c.correctedByUserId ? QVariant(c.correctedByUserId) : QVariant(),
         m_seal.on() ? QStringLiteral("-") : c.reason.trimmed(), c.version});
    if (m_seal.on()) {
        q.next();
        const qint64 id = q.value(0).toLongLong();
        m_db.exec(QStringLiteral("UPDATE checkup_correction SET reason = ? WHERE id = ?"),
                  {m_seal.sealText(QLatin1String("checkup_correction.reason"), id, c.reason.trimmed()), id});
    }
}

std::vector<CheckupCorrection> CheckupRepository::corrections(qint64 checkupId) const
{
    std::vector<CheckupCorrection> result;
    m_seal.requireHealthKey();
    QSqlQuery q = m_db.exec(
        QStringLiteral("SELECT c.checkup_id, c.corrected_at, c.corrected_by, COALESCE(u.display_name, ''), "
                       "c.reason, c.version, c.id FROM checkup_correction c LEFT JOIN app_user u ON u.id = "
                       "c.corrected_by WHERE c.checkup_id = ? ORDER BY c.id"),
        {checkupId});
    while (q.next()) {
        CheckupCorrection c;
        c.checkupId = q.value(0).toLongLong();
        c.correctedAt = toTimestamp(q.value(1));
        c.correctedByUserId = q.value(2).toLongLong();
        c.correctedBy = q.value(3).toString();
        c.reason =
            m_seal.openText(QLatin1String("checkup_correction.reason"), q.value(6).toLongLong(), q.value(4));
        c.version = q.value(5).toInt();
        result.push_back(c);
    }
    return result;
}

} // namespace cabas::store

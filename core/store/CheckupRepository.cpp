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
    const QVariant now = timestampValue(Clock::instance().nowUtc());
    QSqlQuery q = m_db.exec(
        QStringLiteral(
            "INSERT INTO checkup (person_id, taken_on, wave, nurse_user_id, weight_g, height_mm, waist_mm, "
            "systolic_mmhg, diastolic_mmhg, glucose_mg_dl, notes, version, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id"),
        {c.personId, dateValue(c.takenOn), c.wave, idValue(c.nurseUserId), optionalInt(c.weightG),
         optionalInt(c.heightMm), optionalInt(c.waistMm), optionalInt(c.systolicMmHg),
         optionalInt(c.diastolicMmHg), optionalInt(c.glucoseMgDl), textValue(c.notes), now, now});
    q.next();
    c.id = q.value(0).toLongLong();
    c.version = 1;
}

namespace {
const QString kCheckupColumns = QStringLiteral(
    "id, person_id, taken_on, wave, nurse_user_id, weight_g, height_mm, waist_mm, systolic_mmhg, "
    "diastolic_mmhg, glucose_mg_dl, notes, version");

Checkup readCheckup(const QSqlQuery& q)
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
    return c;
}
} // namespace

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
    QSqlQuery q =
        m_db.exec(QStringLiteral(
                      "UPDATE checkup SET taken_on = ?, wave = ?, weight_g = ?, height_mm = ?, waist_mm = ?, "
                      "systolic_mmhg = ?, diastolic_mmhg = ?, glucose_mg_dl = ?, notes = ?, updated_at = ?, "
                      "version = version + 1 WHERE id = ? AND person_id = ? AND version = ?"),
                  {dateValue(c.takenOn), c.wave, optionalInt(c.weightG), optionalInt(c.heightMm),
                   optionalInt(c.waistMm), optionalInt(c.systolicMmHg), optionalInt(c.diastolicMmHg),
                   optionalInt(c.glucoseMgDl), textValue(c.notes), timestampValue(Clock::instance().nowUtc()),
                   c.id, c.personId, c.version});
    if (q.numRowsAffected() != 1)
        throw Error(tr("This checkup was corrected by someone else since you opened it; reopen it to see "
                       "their values."),
                    Error::Kind::Conflict);
    ++c.version;
}

std::optional<Checkup> CheckupRepository::findById(qint64 id) const
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT %1 FROM checkup WHERE id = ?").arg(kCheckupColumns), {id});
    if (!q.next())
        return std::nullopt;
    return readCheckup(q);
}

std::vector<Checkup> CheckupRepository::forPerson(qint64 personId) const
{
    std::vector<Checkup> result;
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
    m_db.exec(
        QStringLiteral("INSERT INTO checkup_correction (checkup_id, corrected_at, corrected_by, reason, "
                       "version) VALUES (?, ?, ?, ?, ?)"),
        {c.checkupId, timestampValue(c.correctedAt),
         c.correctedByUserId ? QVariant(c.correctedByUserId) : QVariant(), c.reason.trimmed(), c.version});
}

std::vector<CheckupCorrection> CheckupRepository::corrections(qint64 checkupId) const
{
    std::vector<CheckupCorrection> result;
    QSqlQuery q = m_db.exec(
        QStringLiteral("SELECT c.checkup_id, c.corrected_at, c.corrected_by, COALESCE(u.display_name, ''), "
                       "c.reason, c.version FROM checkup_correction c LEFT JOIN app_user u ON u.id = "
                       "c.corrected_by WHERE c.checkup_id = ? ORDER BY c.id"),
        {checkupId});
    while (q.next()) {
        CheckupCorrection c;
        c.checkupId = q.value(0).toLongLong();
        c.correctedAt = toTimestamp(q.value(1));
        c.correctedByUserId = q.value(2).toLongLong();
        c.correctedBy = q.value(3).toString();
        c.reason = q.value(4).toString();
        c.version = q.value(5).toInt();
        result.push_back(c);
    }
    return result;
}

} // namespace cabas::store

#include "io/AttendanceImport.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "io/Csv.h"
#include "security/AuditTrail.h"
#include "store/HouseholdRepository.h"
#include "store/WorkshopRepository.h"

#include <QHash>

namespace cabas::io {

QString AttendanceImportReport::summary() const
{
    return tr("%1 new workshops, %2 new attendances, %3 updated, %4 already there unchanged.")
        .arg(workshopsNew)
        .arg(created)
        .arg(updated)
        .arg(unchanged);
}

namespace {
const QString kDate = QStringLiteral("workshop_date");
const QString kType = QStringLiteral("workshop_type");
const QString kTitle = QStringLiteral("title");
const QString kPerson = QStringLiteral("person_code");
const QString kAttended = QStringLiteral("attended");
} // namespace

AttendanceImportReport AttendanceImport::check(const QString& path)
{
    AuditTrail(m_db).require(m_session, DataKind::Workshops, Action::Write,
                             QStringLiteral("workshop_registration"), QStringLiteral("import"));
    AttendanceImportReport report;
    m_newWorkshops.clear();
    m_planned.clear();
    CsvTable table;
    try {
        table = CsvTable::read(path);
    } catch (const Error& e) {
        report.errors << e.message().split(QLatin1Char('\n'));
        return report;
    }
    m_fileName = table.fileName;
    const QStringList required = {kDate, kType, kTitle, kPerson, kAttended};
    QHash<QString, int> col;
    for (const QString& c : required) {
        col[c] = table.column(c);
        if (col[c] < 0)
            report.errors << tr("%1: the column %2 is missing").arg(table.fileName, c);
    }
    for (const QString& h : table.header)
        if (!required.contains(h))
            report.warnings << tr("%1: unknown column \"%2\" ignored").arg(table.fileName, h);
    if (!report.ok())
        return report;

    store::WorkshopRepository workshops(m_db, m_session.keys.get());
    store::PersonRepository persons(m_db, m_session.keys.get());
    const QDate today = Clock::instance().today();
    QHash<QString, std::optional<Workshop>> workshopByKey; // looked up once per file
    QHash<QString, qint64> personIds;
    QHash<QString, int> seen; // workshop|person -> line
    QStringList typeCodes;
    for (WorkshopType t : allWorkshopTypes())
        typeCodes << toCode(t);

    for (const CsvRow& row : table.rows) {
        auto value = [&](const QString& c) { return row.fields.at(col.value(c)).trimmed(); };
        auto error = [&](const QString& column, const QString& message) {
            report.errors
                << QStringLiteral("%1:%2: %3: %4").arg(table.fileName).arg(row.line).arg(column, message);
        };
        const int before = int(report.errors.size());
        const QString dateText = value(kDate);
        const auto date = parseCsvDate(dateText);
        if (!date)
            error(kDate, tr("\"%1\" is not a date (YYYY-MM-DD or DD/MM/YYYY)").arg(dateText));
        else if (*date > today)
            error(kDate, tr("%1 is in the future: attendance is recorded on the day or after")
                             .arg(date->toString(Qt::ISODate)));
        WorkshopType type = WorkshopType::Other;
        const QString typeText = value(kType).toLower();
        if (!fromCode(typeText, &type))
            error(kType,
                  tr("\"%1\" must be one of %2").arg(value(kType), typeCodes.join(QStringLiteral(", "))));
        const QString title = value(kTitle);
        if (title.isEmpty())
            error(kTitle, tr("the workshop's title is required"));
        else if (title.size() > 200)
            error(kTitle, tr("at most 200 characters"));
        const QString code = value(kPerson);
        if (code.isEmpty()) {
            error(kPerson, tr("the person's code is required"));
        } else if (!personIds.contains(code)) {
            const auto p = persons.findByCode(code);
            if (p)
                personIds.insert(code, p->id);
            else
                error(kPerson, tr("there is no person %1").arg(code));
        }
        const QString attendedText = value(kAttended);
        const auto attended = parseYesNo(attendedText);
        if (!attended)
            error(kAttended, tr("\"%1\" must be yes, no, oui or non").arg(attendedText));
        if (int(report.errors.size()) != before)
            continue;

        const QString key = QStringLiteral("%1|%2|%3").arg(date->toString(Qt::ISODate), toCode(type), title);
        const QString pair = key + QLatin1Char('|') + code;
        if (seen.contains(pair)) {
            error(kPerson,
                  tr("%1 is listed twice for this workshop (also line %2)").arg(code).arg(seen.value(pair)));
            continue;
        }
        seen.insert(pair, row.line);
        if (!workshopByKey.contains(key)) {
            auto w = workshops.findByKey(*date, type, title);
            if (!w) {
                Workshop fresh;
                fresh.type = type;
                fresh.title = title;
                fresh.heldOn = *date;
                m_newWorkshops.push_back(fresh);
                ++report.workshopsNew;
            }
            workshopByKey.insert(key, w);
        }
        const auto& workshop = workshopByKey.value(key);
        if (workshop && workshop->isCancelled()) {
            error(kTitle, tr("the workshop \"%1\" was cancelled: no attendance can be recorded").arg(title));
            continue;
        }
        Planned p;
        p.workshopKey = key;
        p.workshopId = workshop ? workshop->id : 0;
        p.personId = personIds.value(code);
        p.personCode = code;
        p.attended = *attended;
        if (workshop)
            p.existing = workshops.findRegistration(workshop->id, p.personId);
        if (!p.existing)
            ++report.created;
        else if (p.existing->status == RegistrationStatus::Registered && p.existing->attended == p.attended) {
            ++report.unchanged;
            continue;
        } else
            ++report.updated;
        m_planned.push_back(p);
    }
    return report;
}

AttendanceImportReport AttendanceImport::run(const QString& path)
{
    AttendanceImportReport report = check(path);
    if (!report.ok())
        throw Error(tr("Nothing was imported:") + QLatin1Char('\n') + report.errors.join(QLatin1Char('\n')),
                    Error::Kind::Invalid);
    const AuditTrail audit(m_db);
    store::WorkshopRepository workshops(m_db, m_session.keys.get());
    const QString detail = tr("import %1").arg(m_fileName);
    store::Database::Transaction tx(m_db);
    QHash<QString, Workshop> byKey;
    for (Workshop& w : m_newWorkshops) {
        workshops.insert(w);
        audit.record(m_session, QStringLiteral("create"), QStringLiteral("workshop"), QString::number(w.id),
                     w.key() + QStringLiteral(", ") + detail);
        byKey.insert(QStringLiteral("%1|%2|%3").arg(w.heldOn.toString(Qt::ISODate), toCode(w.type), w.title),
                     w);
    }
    for (Planned& p : m_planned) {
        Registration r = p.existing ? *p.existing : Registration{};
        r.workshopId = p.workshopId ? p.workshopId : byKey.value(p.workshopKey).id;
        r.personId = p.personId;
        if (r.status != RegistrationStatus::Registered || !p.existing)
            r.queuedAt = Clock::instance().nowUtc();
        r.status = RegistrationStatus::Registered;
        r.cancelledAt = QDateTime();
        r.attended = p.attended;
        if (p.existing)
            workshops.updateRegistration(r, m_session.user.id);
        else
            workshops.insertRegistration(r, m_session.user.id);
        audit.record(m_session, QStringLiteral("attendance"), QStringLiteral("workshop_registration"),
                     p.personCode,
                     QStringLiteral("%1: %2, %3")
                         .arg(p.workshopKey,
                              p.attended ? QStringLiteral("present") : QStringLiteral("absent"), detail));
    }
    tx.commit();
    return report;
}

} // namespace cabas::io

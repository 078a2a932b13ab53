#include "io/HealthImport.h"

#include "common/Error.h"
#include "io/Csv.h"
#include "security/AuditTrail.h"
#include "services/HealthService.h"
#include "store/CheckupRepository.h"
#include "store/QuestionnaireRepository.h"

#include <QHash>
#include <QSet>

namespace cabas::io {

QString HealthImportReport::summary() const
{
    return tr("%1 new records, %2 already there unchanged.").arg(created).arg(unchanged);
}

namespace {

// What the two imports share: reading the file, checking the columns, locating messages.
struct Reader
{
    CsvTable table;
    QHash<QString, int> col;
    HealthImportReport& report;

    Reader(const QString& path, const QStringList& required, const QStringList& optional,
           HealthImportReport& r)
        : report(r)
    {
        try {
            table = CsvTable::read(path);
        } catch (const Error& e) {
            report.errors << e.message().split(QLatin1Char('\n'));
            return;
        }
        for (const QString& c : required) {
            col[c] = table.column(c);
            if (col[c] < 0)
                report.errors << HealthImport::tr("%1: the column %2 is missing").arg(table.fileName, c);
        }
        for (const QString& c : optional)
            col[c] = table.column(c);
        for (const QString& h : table.header)
            if (!required.contains(h) && !optional.contains(h))
                report.warnings
                    << HealthImport::tr("%1: unknown column \"%2\" ignored").arg(table.fileName, h);
    }

    bool usable() const { return report.errors.isEmpty(); }
    QString value(const CsvRow& row, const QString& column) const
    {
        const int i = col.value(column, -1);
        return i < 0 ? QString() : row.fields.at(i).trimmed();
    }
    void error(const CsvRow& row, const QString& message) const
    {
        report.errors << QStringLiteral("%1:%2: %3").arg(table.fileName).arg(row.line).arg(message);
    }
    void error(const CsvRow& row, const QString& column, const QString& message) const
    {
        error(row, column + QStringLiteral(": ") + message);
    }
    // A decimal measure scaled to an integer, or nullopt when empty; records an error when malformed.
    std::optional<int> measure(const CsvRow& row, const QString& column, int scale) const
    {
        const QString text = value(row, column);
        if (text.isEmpty())
            return std::nullopt;
        const auto v = parseScaled(text, scale);
        if (!v || *v > 100000000 || *v < -100000000) {
            error(row, column, HealthImport::tr("\"%1\" is not a number").arg(text));
            return std::nullopt;
        }
        return int(*v);
    }
};

bool sameCheckup(const Checkup& a, const Checkup& b)
{
    return a.takenOn == b.takenOn && a.weightG == b.weightG && a.heightMm == b.heightMm &&
           a.waistMm == b.waistMm && a.systolicMmHg == b.systolicMmHg && a.diastolicMmHg == b.diastolicMmHg &&
           a.glucoseMgDl == b.glucoseMgDl && a.notes == b.notes;
}

} // namespace

HealthImportReport HealthImport::checkCheckups(const QString& path)
{
    AuditTrail(m_db).require(m_session, DataKind::Health, Action::Write, QStringLiteral("checkup"),
                             QStringLiteral("import"));
    HealthImportReport report;
    m_checkups.clear();
    Reader r(path,
             {QStringLiteral("person_code"), QStringLiteral("date"), QStringLiteral("wave"),
              QStringLiteral("weight_kg"), QStringLiteral("height_cm"), QStringLiteral("systolic_mmhg"),
              QStringLiteral("diastolic_mmhg")},
             {QStringLiteral("waist_cm"), QStringLiteral("glucose_g_l"), QStringLiteral("notes")}, report);
    if (!r.usable())
        return report;
    m_fileName = r.table.fileName;
    const HealthService health(m_db, m_session);
    store::CheckupRepository repository(m_db);
    QHash<QString, qint64> personIds;
    QHash<QString, int> seen; // person|wave -> line
    for (const CsvRow& row : r.table.rows) {
        const int before = int(report.errors.size());
        const QString code = r.value(row, QStringLiteral("person_code"));
        Checkup c;
        c.wave = r.value(row, QStringLiteral("wave"));
        const auto date = parseCsvDate(r.value(row, QStringLiteral("date")));
        if (!date)
            r.error(row, QStringLiteral("date"),
                    tr("\"%1\" is not a date (YYYY-MM-DD or DD/MM/YYYY)")
                        .arg(r.value(row, QStringLiteral("date"))));
        else
            c.takenOn = *date;
        c.weightG = r.measure(row, QStringLiteral("weight_kg"), 1000);
        c.heightMm = r.measure(row, QStringLiteral("height_cm"), 10);
        c.waistMm = r.measure(row, QStringLiteral("waist_cm"), 10);
        c.systolicMmHg = r.measure(row, QStringLiteral("systolic_mmhg"), 1);
        c.diastolicMmHg = r.measure(row, QStringLiteral("diastolic_mmhg"), 1);
        c.glucoseMgDl = r.measure(row, QStringLiteral("glucose_g_l"), 100);
        c.notes = r.value(row, QStringLiteral("notes"));
        if (!personIds.contains(code)) {
            try {
                personIds.insert(code, health.personId(code));
            } catch (const Error& e) {
                r.error(row, QStringLiteral("person_code"), e.message());
                continue;
            }
        }
        c.personId = personIds.value(code);
        c.nurseUserId = m_session.user.id;
        for (const QString& problem : c.validate())
            if (!(problem.startsWith(QLatin1String("date")) && !date))
                r.error(row, problem);
        const QString key = code + QLatin1Char('|') + c.wave;
        if (seen.contains(key))
            r.error(
                row, QStringLiteral("wave"),
                tr("%1 has a second checkup for %2 (also line %3)").arg(code, c.wave).arg(seen.value(key)));
        seen.insert(key, row.line);
        if (int(report.errors.size()) != before)
            continue;
        try {
            health.checkRecordable(code, c.personId, c.takenOn, c.wave);
        } catch (const Error& e) {
            r.error(row, e.message());
            continue;
        }
        bool existing = false;
        for (const Checkup& stored : repository.forPerson(c.personId)) {
            if (stored.wave != c.wave)
                continue;
            existing = true;
            if (sameCheckup(stored, c))
                ++report.unchanged;
            else
                r.error(row, QStringLiteral("wave"),
                        tr("%1 already has a checkup for %2 with other values; correct it in the person's "
                           "health view")
                            .arg(code, c.wave));
        }
        if (!existing) {
            m_checkups.push_back({{code, row.line}, c});
            ++report.created;
        }
    }
    return report;
}

HealthImportReport HealthImport::runCheckups(const QString& path)
{
    HealthImportReport report = checkCheckups(path);
    if (!report.ok())
        throw Error(tr("Nothing was imported:") + QLatin1Char('\n') + report.errors.join(QLatin1Char('\n')),
                    Error::Kind::Invalid);
    const AuditTrail audit(m_db);
    store::CheckupRepository repository(m_db);
    store::Database::Transaction tx(m_db);
    for (auto& [planned, checkup] : m_checkups) {
        repository.insert(checkup);
        audit.record(m_session, QStringLiteral("create"), QStringLiteral("checkup"), planned.personCode,
                     QStringLiteral("%1, import %2").arg(checkup.wave, m_fileName));
    }
    tx.commit();
    return report;
}

HealthImportReport HealthImport::checkQuestionnaires(const QString& path)
{
    AuditTrail(m_db).require(m_session, DataKind::Health, Action::Write, QStringLiteral("diet_questionnaire"),
                             QStringLiteral("import"));
    HealthImportReport report;
    m_questionnaires.clear();
    Reader r(path,
             {QStringLiteral("person_code"), QStringLiteral("date"), QStringLiteral("wave"),
              QStringLiteral("fv_portions_per_day"), QStringLiteral("organic_fv_freq"),
              QStringLiteral("local_products_freq"), QStringLiteral("organic_products_freq"),
              QStringLiteral("discovered_sustainable_shop")},
             {}, report);
    if (!r.usable())
        return report;
    m_fileName = r.table.fileName;
    const HealthService health(m_db, m_session);
    store::QuestionnaireRepository repository(m_db);
    QHash<QString, qint64> personIds;
    QHash<QString, int> seen;
    for (const CsvRow& row : r.table.rows) {
        const int before = int(report.errors.size());
        const QString code = r.value(row, QStringLiteral("person_code"));
        DietQuestionnaire q;
        q.wave = r.value(row, QStringLiteral("wave"));
        const auto date = parseCsvDate(r.value(row, QStringLiteral("date")));
        if (!date)
            r.error(row, QStringLiteral("date"),
                    tr("\"%1\" is not a date (YYYY-MM-DD or DD/MM/YYYY)")
                        .arg(r.value(row, QStringLiteral("date"))));
        else
            q.answeredOn = *date;
        q.fvPortionsX10 = r.measure(row, QStringLiteral("fv_portions_per_day"), 10);
        auto frequency = [&](const QString& column) -> std::optional<Frequency> {
            const QString text = r.value(row, column);
            if (text.isEmpty())
                return std::nullopt;
            Frequency f;
            if (!fromCode(text, &f)) {
                r.error(row, column,
                        tr("\"%1\" must be never, rarely, sometimes, often or always (or jamais, rarement, "
                           "parfois, "
                           "souvent, toujours)")
                            .arg(text));
                return std::nullopt;
            }
            return f;
        };
        q.organicFv = frequency(QStringLiteral("organic_fv_freq"));
        q.localProducts = frequency(QStringLiteral("local_products_freq"));
        q.organicProducts = frequency(QStringLiteral("organic_products_freq"));
        const QString discovered = r.value(row, QStringLiteral("discovered_sustainable_shop"));
        if (!discovered.isEmpty()) {
            q.discoveredSustainableShop = parseYesNo(discovered);
            if (!q.discoveredSustainableShop)
                r.error(row, QStringLiteral("discovered_sustainable_shop"),
                        tr("\"%1\" must be yes, no, oui, non or empty").arg(discovered));
        }
        if (!personIds.contains(code)) {
            try {
                personIds.insert(code, health.personId(code));
            } catch (const Error& e) {
                r.error(row, QStringLiteral("person_code"), e.message());
                continue;
            }
        }
        q.personId = personIds.value(code);
        q.nurseUserId = m_session.user.id;
        for (const QString& problem : q.validate())
            if (!(problem.startsWith(QLatin1String("date")) && !date))
                r.error(row, problem);
        const QString key = code + QLatin1Char('|') + q.wave;
        if (seen.contains(key))
            r.error(row, QStringLiteral("wave"),
                    tr("%1 has a second questionnaire for %2 (also line %3)")
                        .arg(code, q.wave)
                        .arg(seen.value(key)));
        seen.insert(key, row.line);
        if (int(report.errors.size()) != before)
            continue;
        try {
            health.checkRecordable(code, q.personId, q.answeredOn, q.wave);
        } catch (const Error& e) {
            r.error(row, e.message());
            continue;
        }
        bool existing = false;
        for (const DietQuestionnaire& stored : repository.forPerson(q.personId)) {
            if (stored.wave != q.wave)
                continue;
            existing = true;
            if (stored.sameAnswers(q))
                ++report.unchanged;
            else
                r.error(row, QStringLiteral("wave"),
                        tr("%1 already has a questionnaire for %2 with other answers; correct it in the "
                           "person's health "
                           "view")
                            .arg(code, q.wave));
        }
        if (!existing) {
            m_questionnaires.push_back({{code, row.line}, q});
            ++report.created;
        }
    }
    return report;
}

HealthImportReport HealthImport::runQuestionnaires(const QString& path)
{
    HealthImportReport report = checkQuestionnaires(path);
    if (!report.ok())
        throw Error(tr("Nothing was imported:") + QLatin1Char('\n') + report.errors.join(QLatin1Char('\n')),
                    Error::Kind::Invalid);
    const AuditTrail audit(m_db);
    store::QuestionnaireRepository repository(m_db);
    store::Database::Transaction tx(m_db);
    for (auto& [planned, questionnaire] : m_questionnaires) {
        repository.insert(questionnaire);
        audit.record(m_session, QStringLiteral("create"), QStringLiteral("diet_questionnaire"),
                     planned.personCode, QStringLiteral("%1, import %2").arg(questionnaire.wave, m_fileName));
    }
    tx.commit();
    return report;
}

} // namespace cabas::io

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

    // The row's date column; records an error when malformed.
    std::optional<QDate> date(const CsvRow& row) const
    {
        const QString text = value(row, QStringLiteral("date"));
        const auto d = parseCsvDate(text);
        if (!d)
            error(row, QStringLiteral("date"),
                  HealthImport::tr("\"%1\" is not a date (YYYY-MM-DD or DD/MM/YYYY)").arg(text));
        return d;
    }

    // The id of the person `code` (looked up once per file); records an error when there is none.
    std::optional<qint64> personId(const CsvRow& row, const QString& code, const HealthService& health)
    {
        if (!personIds.contains(code)) {
            try {
                personIds.insert(code, health.personId(code));
            } catch (const Error& e) {
                error(row, QStringLiteral("person_code"), e.message());
                return std::nullopt;
            }
        }
        return personIds.value(code);
    }

    // Records `message` (with %1 = person, %2 = wave, %3 = the earlier line) when the file has this person
    // and wave twice.
    void noSecond(const CsvRow& row, const QString& code, const QString& wave, const QString& message)
    {
        const QString key = code + QLatin1Char('|') + wave;
        if (seen.contains(key))
            error(row, QStringLiteral("wave"), message.arg(code, wave).arg(seen.value(key)));
        seen.insert(key, row.line);
    }

    // Consent on the date and a wave of the programme (HealthService's rules); records the error otherwise.
    bool recordable(const CsvRow& row, const HealthService& health, const QString& code, qint64 id,
                    const QDate& date, const QString& wave) const
    {
        try {
            health.checkRecordable(code, id, date, wave);
            return true;
        } catch (const Error& e) {
            error(row, e.message());
            return false;
        }
    }

    // Whether `stored` already has a record of `wave`: counted unchanged when `same`, else an error
    // (`message` with %1 = person, %2 = wave).
    template <typename Record, typename Same>
    bool alreadyThere(const CsvRow& row, const std::vector<Record>& stored, const QString& code,
                      const QString& wave, Same same, const QString& message) const
    {
        for (const Record& s : stored) {
            if (s.wave != wave)
                continue;
            if (same(s))
                ++report.unchanged;
            else
                error(row, QStringLiteral("wave"), message.arg(code, wave));
            return true;
        }
        return false;
    }

    QHash<QString, qint64> personIds;
    QHash<QString, int> seen; // person|wave -> line
};

// Writes the planned records in one transaction, each audited.
template <typename Repository, typename Record>
void writeAll(const store::Database& db, const Session& session, const QString& table,
              const QString& fileName, std::vector<std::pair<QString, Record>>& planned)
{
    const AuditTrail audit(db);
    Repository repository(db, session.keys.get());
    store::Database::Transaction tx(db);
    for (auto& [personCode, record] : planned) {
        repository.insert(record);
        audit.record(session, QStringLiteral("create"), table, personCode,
                     QStringLiteral("%1, import %2").arg(record.wave, fileName));
    }
    tx.commit();
}

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
    store::CheckupRepository repository(m_db, m_session.keys.get());
    for (const CsvRow& row : r.table.rows) {
        const int before = int(report.errors.size());
        const QString code = r.value(row, QStringLiteral("person_code"));
        Checkup c;
        c.wave = r.value(row, QStringLiteral("wave"));
        const auto date = r.date(row);
        if (date)
            c.takenOn = *date;
        c.weightG = r.measure(row, QStringLiteral("weight_kg"), 1000);
        c.heightMm = r.measure(row, QStringLiteral("height_cm"), 10);
        c.waistMm = r.measure(row, QStringLiteral("waist_cm"), 10);
        c.systolicMmHg = r.measure(row, QStringLiteral("systolic_mmhg"), 1);
        c.diastolicMmHg = r.measure(row, QStringLiteral("diastolic_mmhg"), 1);
        c.glucoseMgDl = r.measure(row, QStringLiteral("glucose_g_l"), 100);
        c.notes = r.value(row, QStringLiteral("notes"));
        const auto id = r.personId(row, code, health);
        if (!id)
            continue;
        c.personId = *id;
        c.nurseUserId = m_session.user.id;
        for (const QString& problem : c.validate())
            if (!(problem.startsWith(QLatin1String("date")) && !date))
                r.error(row, problem);
        r.noSecond(row, code, c.wave, tr("%1 has a second checkup for %2 (also line %3)"));
        if (int(report.errors.size()) != before ||
            !r.recordable(row, health, code, c.personId, c.takenOn, c.wave))
            continue;
        const bool there = r.alreadyThere(
            row, repository.forPerson(c.personId), code, c.wave,
            [&](const Checkup& s) { return sameCheckup(s, c); },
            tr("%1 already has a checkup for %2 with other values; correct it in the person's health view"));
        if (!there) {
            m_checkups.push_back({code, c});
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
    writeAll<store::CheckupRepository>(m_db, m_session, QStringLiteral("checkup"), m_fileName, m_checkups);
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
    store::QuestionnaireRepository repository(m_db, m_session.keys.get());
    for (const CsvRow& row : r.table.rows) {
        const int before = int(report.errors.size());
        const QString code = r.value(row, QStringLiteral("person_code"));
        DietQuestionnaire q;
        q.wave = r.value(row, QStringLiteral("wave"));
        const auto date = r.date(row);
        if (date)
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
        const auto id = r.personId(row, code, health);
        if (!id)
            continue;
        q.personId = *id;
        q.nurseUserId = m_session.user.id;
        for (const QString& problem : q.validate())
            if (!(problem.startsWith(QLatin1String("date")) && !date))
                r.error(row, problem);
        r.noSecond(row, code, q.wave, tr("%1 has a second questionnaire for %2 (also line %3)"));
        if (int(report.errors.size()) != before ||
            !r.recordable(row, health, code, q.personId, q.answeredOn, q.wave))
            continue;
        const bool there = r.alreadyThere(
            row, repository.forPerson(q.personId), code, q.wave,
            [&](const DietQuestionnaire& s) { return s.sameAnswers(q); },
            tr("%1 already has a questionnaire for %2 with other answers; correct it in the person's health "
               "view"));
        if (!there) {
            m_questionnaires.push_back({code, q});
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
    writeAll<store::QuestionnaireRepository>(m_db, m_session, QStringLiteral("diet_questionnaire"),
                                             m_fileName, m_questionnaires);
    return report;
}

} // namespace cabas::io

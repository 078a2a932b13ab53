#include "io/PersonsImport.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "io/Csv.h"
#include "security/AuditTrail.h"
#include "store/HouseholdRepository.h"

#include <QHash>

namespace cabas::io {

QString ImportReport::summary() const
{
    return tr("Households: %1 new, %2 updated, %3 unchanged. Persons: %4 new, %5 updated, %6 unchanged. "
              "Cards: %7 new.")
        .arg(householdsNew)
        .arg(householdsUpdated)
        .arg(householdsUnchanged)
        .arg(personsNew)
        .arg(personsUpdated)
        .arg(personsUnchanged)
        .arg(cardsNew);
}

namespace {
const QStringList kColumns = {QStringLiteral("household_code"),
                              QStringLiteral("enrolled_on"),
                              QStringLiteral("commune"),
                              QStringLiteral("postcode"),
                              QStringLiteral("card_id"),
                              QStringLiteral("person_code"),
                              QStringLiteral("first_name"),
                              QStringLiteral("last_name"),
                              QStringLiteral("birth_date"),
                              QStringLiteral("sex"),
                              QStringLiteral("role")};
} // namespace

ImportReport PersonsImport::check(const QString& path)
{
    AuditTrail(m_db).require(m_session, DataKind::Households, Action::Write, QStringLiteral("household"),
                             QStringLiteral("import"));
    ImportReport report;
    m_households.clear();
    m_persons.clear();
    CsvTable table;
    try {
        table = CsvTable::read(path);
    } catch (const Error& e) {
        report.errors << e.message().split(QLatin1Char('\n'));
        return report;
    }
    m_fileName = table.fileName;
    auto at = [&](int line, const QString& column, const QString& message) {
        return QStringLiteral("%1:%2: %3: %4").arg(table.fileName).arg(line).arg(column, message);
    };
    QHash<QString, int> col;
    for (const QString& c : kColumns) {
        col[c] = table.column(c);
        if (col[c] < 0)
            report.errors << tr("%1: the column %2 is missing").arg(table.fileName, c);
    }
    for (const QString& h : table.header)
        if (!kColumns.contains(h))
            report.warnings << tr("%1: unknown column \"%2\" ignored").arg(table.fileName, h);
    if (!report.errors.isEmpty())
        return report;

    QHash<QString, std::size_t> householdIndex;
    QHash<QString, int> personLine;
    QHash<QString, QString> cardOwner;
    for (const CsvRow& row : table.rows) {
        auto value = [&](const char* name) { return row.fields.at(col[QLatin1String(name)]).trimmed(); };
        const int problemsBefore = int(report.errors.size());

        // The household's fields.
        Household h;
        h.code = value("household_code");
        h.commune = value("commune");
        h.postcode = value("postcode");
        h.status = HouseholdStatus::Enrolled;
        const auto enrolled = parseCsvDate(value("enrolled_on"));
        if (!enrolled)
            report.errors << at(
                row.line, QStringLiteral("enrolled_on"),
                tr("\"%1\" is not a date (YYYY-MM-DD or DD/MM/YYYY)").arg(value("enrolled_on")));
        else
            h.enrolledOn = *enrolled;
        for (const QString& p : h.validate())
            if (!p.startsWith(QLatin1String("enrolled_on")))
                report.errors << QStringLiteral("%1:%2: %3").arg(table.fileName).arg(row.line).arg(p);
        const QString card = value("card_id");

        // The person's fields.
        Person p;
        p.code = value("person_code");
        p.firstName = value("first_name");
        p.lastName = value("last_name");
        const auto birth = parseCsvDate(value("birth_date"));
        if (!birth && !value("birth_date").isEmpty())
            report.errors << at(
                row.line, QStringLiteral("birth_date"),
                tr("\"%1\" is not a date (YYYY-MM-DD or DD/MM/YYYY)").arg(value("birth_date")));
        if (birth)
            p.birthDate = *birth;
        if (!fromCode(value("sex").toUpper(), &p.sex))
            report.errors << at(row.line, QStringLiteral("sex"),
                                tr("\"%1\" must be F, M or empty").arg(value("sex")));
        if (!fromCode(value("role").toLower(), &p.role))
            report.errors << at(row.line, QStringLiteral("role"),
                                tr("\"%1\" must be adult or child").arg(value("role")));
        for (const QString& problem : p.validate())
            if (!(problem.startsWith(QLatin1String("birth_date")) && !birth &&
                  !value("birth_date").isEmpty()))
                report.errors << QStringLiteral("%1:%2: %3").arg(table.fileName).arg(row.line).arg(problem);
        if (birth && *birth > Clock::instance().today())
            report.errors << at(row.line, QStringLiteral("birth_date"),
                                tr("%1 is in the future").arg(value("birth_date")));

        if (personLine.contains(p.code))
            report.errors << at(
                row.line, QStringLiteral("person_code"),
                tr("%1 appears twice (also line %2)").arg(p.code).arg(personLine.value(p.code)));
        if (int(report.errors.size()) != problemsBefore)
            continue;
        personLine.insert(p.code, row.line);

        // The household's fields must agree on all its rows.
        if (householdIndex.contains(h.code)) {
            const PlannedHousehold& first = m_households[householdIndex.value(h.code)];
            auto differ = [&](const QString& column, const QString& mine, const QString& theirs) {
                if (mine != theirs)
                    report.errors << at(row.line, column,
                                        tr("\"%1\" differs from \"%2\" on line %3 for household %4")
                                            .arg(mine, theirs)
                                            .arg(first.line)
                                            .arg(h.code));
            };
            differ(QStringLiteral("enrolled_on"), h.enrolledOn.toString(Qt::ISODate),
                   first.household.enrolledOn.toString(Qt::ISODate));
            differ(QStringLiteral("commune"), h.commune, first.household.commune);
            differ(QStringLiteral("postcode"), h.postcode, first.household.postcode);
            differ(QStringLiteral("card_id"), card, first.cardToken);
        } else {
            householdIndex.insert(h.code, m_households.size());
            m_households.push_back({h, card, row.line, false, false});
            if (!card.isEmpty()) {
                if (cardOwner.contains(card))
                    report.errors << at(
                        row.line, QStringLiteral("card_id"),
                        tr("the card %1 is also given to household %2").arg(card, cardOwner.value(card)));
                cardOwner.insert(card, h.code);
            }
        }
        m_persons.push_back({p, h.code, row.line, false, false});
    }
    // Rows with errors were left out of the plan; the rest is still compared, so that all problems show at
    // once.

    // Compare with what the database holds.
    store::HouseholdRepository households(m_db, m_session.keys.get());
    store::PersonRepository persons(m_db, m_session.keys.get());
    store::CardRepository cards(m_db, m_session.keys.get());
    QHash<QString, qint64> householdId;
    for (PlannedHousehold& ph : m_households) {
        if (const auto existing = households.findByCode(ph.household.code)) {
            ph.exists = true;
            householdId.insert(ph.household.code, existing->id);
            Household merged = *existing;
            merged.commune = ph.household.commune;
            merged.postcode = ph.household.postcode;
            merged.enrolledOn = ph.household.enrolledOn;
            if (merged.status == HouseholdStatus::Candidate)
                merged.status = HouseholdStatus::Enrolled;
            ph.changed = !(merged == *existing);
            ph.household = merged;
            ph.changed ? ++report.householdsUpdated : ++report.householdsUnchanged;
        } else {
            ++report.householdsNew;
        }
        if (!ph.cardToken.isEmpty()) {
            const auto card = cards.findByToken(ph.cardToken);
            if (!card)
                ++report.cardsNew;
            else if (card->householdId != 0 &&
                     (!ph.exists || card->householdId != householdId.value(ph.household.code)))
                report.errors << at(ph.line, QStringLiteral("card_id"),
                                    tr("the card %1 already belongs to another household").arg(ph.cardToken));
        }
    }
    for (PlannedPerson& pp : m_persons) {
        const auto existing = persons.findByCode(pp.person.code);
        if (!existing) {
            ++report.personsNew;
            continue;
        }
        pp.exists = true;
        const qint64 target = householdId.value(pp.householdCode, -1);
        if (existing->householdId != target) {
            const auto other = households.findById(existing->householdId);
            report.errors << at(
                pp.line, QStringLiteral("person_code"),
                tr("%1 already belongs to household %2; move people from the case file, not by "
                   "import")
                    .arg(pp.person.code, other ? other->code : QStringLiteral("?")));
            continue;
        }
        Person merged = *existing;
        merged.firstName = pp.person.firstName;
        merged.lastName = pp.person.lastName;
        merged.birthDate = pp.person.birthDate;
        merged.sex = pp.person.sex;
        merged.role = pp.person.role;
        pp.changed = !(merged == *existing);
        pp.person = merged;
        pp.changed ? ++report.personsUpdated : ++report.personsUnchanged;
    }
    return report;
}

ImportReport PersonsImport::run(const QString& path)
{
    ImportReport report = check(path);
    if (!report.ok())
        throw Error(tr("Nothing was imported:") + QLatin1Char('\n') + report.errors.join(QLatin1Char('\n')),
                    Error::Kind::Invalid);
    store::HouseholdRepository households(m_db, m_session.keys.get());
    store::PersonRepository persons(m_db, m_session.keys.get());
    store::CardRepository cards(m_db, m_session.keys.get());
    const AuditTrail audit(m_db);
    const QString detail = QStringLiteral("import %1").arg(m_fileName);
    store::Database::Transaction tx(m_db);
    QHash<QString, qint64> householdId;
    for (PlannedHousehold& ph : m_households) {
        if (!ph.exists) {
            households.insert(ph.household);
            audit.record(m_session, QStringLiteral("create"), QStringLiteral("household"), ph.household.code,
                         detail);
        } else if (ph.changed) {
            households.update(ph.household);
            audit.record(m_session, QStringLiteral("update"), QStringLiteral("household"), ph.household.code,
                         detail);
        }
        householdId.insert(ph.household.code, ph.household.id);
        if (!ph.cardToken.isEmpty() && !cards.findByToken(ph.cardToken)) {
            Card card;
            card.token = ph.cardToken;
            card.householdId = ph.household.id;
            card.issuedOn = ph.household.enrolledOn;
            cards.insert(card);
            audit.record(m_session, QStringLiteral("create"), QStringLiteral("card"), card.token, detail);
        }
    }
    for (PlannedPerson& pp : m_persons) {
        if (!pp.exists) {
            pp.person.householdId = householdId.value(pp.householdCode);
            persons.insert(pp.person);
            audit.record(m_session, QStringLiteral("create"), QStringLiteral("person"), pp.person.code,
                         detail);
        } else if (pp.changed) {
            persons.update(pp.person);
            audit.record(m_session, QStringLiteral("update"), QStringLiteral("person"), pp.person.code,
                         detail);
        }
    }
    tx.commit();
    return report;
}

} // namespace cabas::io

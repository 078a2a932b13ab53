#include "households/EnrolmentWizard.h"
#include "Accessibility.h"
#include "Theme.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "store/UserRepository.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QRegularExpression>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QWizardPage>

namespace cabas::ui {

namespace {
// A page that asks the wizard to check it (the wizard knows every field).
class CheckedPage : public QWizardPage
{
  public:
    using QWizardPage::QWizardPage;
};

QWidget* withError(QWidget* field, QLabel* error, QWidget* parent)
{
    auto* box = new QWidget(parent);
    auto* l = new QHBoxLayout(box);
    l->setContentsMargins(0, 0, 0, 0);
    l->addWidget(field, 2);
    l->addWidget(error, 3);
    return box;
}
} // namespace

QLabel* EnrolmentWizard::errorLabel(const QString& field, QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setObjectName(field + QStringLiteral("Error"));
    theme::setTone(label, theme::Tone::Error);
    label->setWordWrap(true);
    m_errors[field] = label;
    return label;
}

QString EnrolmentWizard::fieldError(const QString& field) const
{
    const auto it = m_errors.find(field);
    return it == m_errors.end() ? QString() : it->second->text();
}

EnrolmentWizard::EnrolmentWizard(const store::Database& db, const Session& session, QWidget* parent)
    : QWizard(parent), m_db(db), m_session(session)
{
    setObjectName(QStringLiteral("enrolmentWizard"));
    setWindowTitle(tr("Enrol a household"));
    setWizardStyle(QWizard::ClassicStyle);
    resize(820, 560);
    const HouseholdService service(db, session);
    const QDate today = Clock::instance().today();

    // 1. The household.
    auto* household = new CheckedPage(this);
    household->setTitle(tr("The household"));
    household->setSubTitle(tr("Its code, address and enrolment date."));
    auto* hf = new QFormLayout(household);
    m_code = new QLineEdit(service.nextHouseholdCode(), household);
    m_code->setObjectName(QStringLiteral("wizardCodeEdit"));
    m_address = new QLineEdit(household);
    m_address->setObjectName(QStringLiteral("wizardAddressEdit"));
    m_commune = new QLineEdit(household);
    m_commune->setObjectName(QStringLiteral("wizardCommuneEdit"));
    m_postcode = new QLineEdit(household);
    m_postcode->setObjectName(QStringLiteral("wizardPostcodeEdit"));
    m_on = new QDateEdit(today, household);
    m_on->setObjectName(QStringLiteral("wizardEnrolledOnEdit"));
    m_on->setCalendarPopup(true);
    hf->addRow(tr("&Code"), withError(m_code, errorLabel(QStringLiteral("code"), household), household));
    hf->addRow(tr("&Address"), m_address);
    hf->addRow(tr("Co&mmune"),
               withError(m_commune, errorLabel(QStringLiteral("commune"), household), household));
    hf->addRow(tr("&Postcode"),
               withError(m_postcode, errorLabel(QStringLiteral("postcode"), household), household));
    hf->addRow(tr("&Enrolled on"),
               withError(m_on, errorLabel(QStringLiteral("enrolled_on"), household), household));
    setPage(HouseholdPage, household);

    // 2. The members.
    auto* members = new CheckedPage(this);
    members->setTitle(tr("The members"));
    members->setSubTitle(tr("Each adult and child of the household, with their birth date."));
    auto* ml = new QVBoxLayout(members);
    auto* mf = new QFormLayout();
    m_first = new QLineEdit(members);
    m_first->setObjectName(QStringLiteral("wizardFirstNameEdit"));
    m_last = new QLineEdit(members);
    m_last->setObjectName(QStringLiteral("wizardLastNameEdit"));
    m_birth = new QDateEdit(QDate(1990, 1, 1), members);
    m_birth->setObjectName(QStringLiteral("wizardBirthDateEdit"));
    m_birth->setCalendarPopup(true);
    m_birth->setMinimumDate(QDate(1900, 1, 1));
    m_role = new QComboBox(members);
    m_role->setObjectName(QStringLiteral("wizardRoleCombo"));
    m_role->addItem(displayName(PersonRole::Adult), static_cast<int>(PersonRole::Adult));
    m_role->addItem(displayName(PersonRole::Child), static_cast<int>(PersonRole::Child));
    m_sex = new QComboBox(members);
    m_sex->setObjectName(QStringLiteral("wizardSexCombo"));
    m_sex->addItem(tr("Not said"), static_cast<int>(Sex::Unknown));
    m_sex->addItem(tr("Female"), static_cast<int>(Sex::Female));
    m_sex->addItem(tr("Male"), static_cast<int>(Sex::Male));
    mf->addRow(tr("F&irst name"),
               withError(m_first, errorLabel(QStringLiteral("first_name"), members), members));
    mf->addRow(tr("&Last name"),
               withError(m_last, errorLabel(QStringLiteral("last_name"), members), members));
    mf->addRow(tr("Birth da&te"),
               withError(m_birth, errorLabel(QStringLiteral("birth_date"), members), members));
    mf->addRow(tr("A&dult or child"),
               withError(m_role, errorLabel(QStringLiteral("role"), members), members));
    mf->addRow(tr("Se&x"), m_sex);
    ml->addLayout(mf);
    auto* add = new QPushButton(tr("Add this &member"), members);
    add->setObjectName(QStringLiteral("addMemberButton"));
    ml->addWidget(add, 0, Qt::AlignRight);
    m_duplicate = new QLabel(members);
    m_duplicate->setObjectName(QStringLiteral("duplicateWarning"));
    m_duplicate->setWordWrap(true);
    m_duplicate->setTextFormat(Qt::RichText);
    theme::setTone(m_duplicate, theme::Tone::Warning, theme::Shape::Box);
    m_duplicate->hide();
    ml->addWidget(m_duplicate);
    m_memberTable = new QTableWidget(0, 4, members);
    m_memberTable->setTabKeyNavigation(false); // Tab leaves the list; the arrows move in it
    m_memberTable->setAccessibleName(tr("Members"));
    m_memberTable->setObjectName(QStringLiteral("wizardMembersTable"));
    m_memberTable->setHorizontalHeaderLabels({tr("Code"), tr("Name"), tr("Born on"), tr("Role")});
    m_memberTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_memberTable->verticalHeader()->hide();
    m_memberTable->horizontalHeader()->setStretchLastSection(true);
    ml->addWidget(m_memberTable, 1);
    ml->addWidget(errorLabel(QStringLiteral("members"), members));
    setPage(MembersPage, members);
    connect(add, &QPushButton::clicked, this, &EnrolmentWizard::addMember);
    connect(m_duplicate, &QLabel::linkActivated, this, &EnrolmentWizard::openHouseholdRequested);
    for (QLineEdit* e : {m_first, m_last})
        connect(e, &QLineEdit::editingFinished, this, &EnrolmentWizard::checkDuplicates);
    connect(m_birth, &QDateEdit::dateChanged, this, &EnrolmentWizard::checkDuplicates);

    // 3. Card and consents.
    auto* card = new CheckedPage(this);
    card->setTitle(tr("Card and consents"));
    card->setSubTitle(
        tr("The card's id as the card operator knows it (never the card number), and the consents "
           "the adults gave today."));
    auto* cf = new QFormLayout(card);
    m_card = new QLineEdit(card);
    m_card->setObjectName(QStringLiteral("wizardCardEdit"));
    cf->addRow(tr("&Card id"), withError(m_card, errorLabel(QStringLiteral("card_id"), card), card));
    for (ConsentPurpose p : allConsentPurposes()) {
        auto* box = new QCheckBox(displayName(p), card);
        box->setObjectName(QStringLiteral("consent_") + toCode(p));
        box->setChecked(p == ConsentPurpose::CaseManagement || p == ConsentPurpose::LedgerLink);
        m_consents[p] = box;
        cf->addRow(QString(), box);
    }
    setPage(CardPage, card);

    // 4. Referent and summary.
    auto* referent = new CheckedPage(this);
    referent->setTitle(tr("Referent"));
    referent->setSubTitle(tr("The social worker who follows the household."));
    auto* rl = new QFormLayout(referent);
    m_referent = new QComboBox(referent);
    m_referent->setObjectName(QStringLiteral("wizardReferentCombo"));
    m_referent->addItem(tr("No referent yet"), qint64(0));
    for (const User& u : store::UserRepository(db).list())
        if (u.active && u.role == Role::SocialWorker)
            m_referent->addItem(u.displayName, u.id);
    m_referent->setCurrentIndex(std::max(0, m_referent->findData(session.user.id)));
    rl->addRow(tr("&Referent"), m_referent);
    m_summary = new QLabel(referent);
    m_summary->setObjectName(QStringLiteral("wizardSummary"));
    m_summary->setWordWrap(true);
    rl->addRow(m_summary);
    rl->addRow(errorLabel(QStringLiteral("save"), referent));
    setPage(ReferentPage, referent);
    connect(this, &QWizard::currentIdChanged, this, [this](int id) {
        if (id != ReferentPage)
            return;
        const Enrolment e = enrolment();
        m_summary->setText(tr("%1, %2: %n member(s), card %3.", nullptr, int(e.members.size()))
                               .arg(e.household.code, e.household.commune,
                                    e.cardToken.isEmpty() ? tr("none yet") : e.cardToken));
    });
    a11y::connectLabels(this);
}

Enrolment EnrolmentWizard::enrolment() const
{
    Enrolment e;
    e.household.code = m_code->text().trimmed();
    e.household.address = m_address->text().trimmed();
    e.household.commune = m_commune->text().trimmed();
    e.household.postcode = m_postcode->text().trimmed();
    e.household.status = HouseholdStatus::Enrolled;
    e.on = m_on->date();
    e.household.enrolledOn = e.on;
    e.household.referentUserId = m_referent ? m_referent->currentData().toLongLong() : 0;
    e.members = m_members;
    e.cardToken = m_card->text().trimmed();
    QList<ConsentPurpose> given;
    for (const auto& [purpose, box] : m_consents)
        if (box->isChecked())
            given << purpose;
    const int adultAge = 18;
    for (const Person& p : e.members)
        e.consents.push_back(p.isAdultOn(e.on, adultAge) ? given : QList<ConsentPurpose>{});
    return e;
}

void EnrolmentWizard::showProblems(const QStringList& problems, const QStringList& fields)
{
    for (const QString& field : fields)
        if (m_errors.count(field))
            m_errors[field]->clear();
    for (const QString& problem : problems) {
        // "field: message" or "member N: field: message"
        QString text = problem;
        static const QRegularExpression memberPlace = [] {
            const QStringList around = tr("member %1").split(QStringLiteral("%1"));
            return QRegularExpression(QStringLiteral("^") + QRegularExpression::escape(around.value(0)) +
                                      QStringLiteral("\\d+") + QRegularExpression::escape(around.value(1)) +
                                      QStringLiteral(": "));
        }();
        if (memberPlace.match(text).hasMatch())
            text = text.section(QStringLiteral(": "), 1);
        const QString field = text.section(QStringLiteral(": "), 0, 0);
        const QString key = field == QLatin1String("household_code") ? QStringLiteral("code") : field;
        if (!fields.contains(key) || !m_errors.count(key))
            continue;
        QLabel* label = m_errors[key];
        const QString message = text.section(QStringLiteral(": "), 1);
        label->setText(label->text().isEmpty() ? message : label->text() + QLatin1Char('\n') + message);
    }
}

bool EnrolmentWizard::addMember()
{
    Person p;
    p.code = HouseholdService(m_db, m_session).nextPersonCode(int(m_members.size()));
    p.firstName = m_first->text().trimmed();
    p.lastName = m_last->text().trimmed();
    p.birthDate = m_birth->date();
    p.role = static_cast<PersonRole>(m_role->currentData().toInt());
    p.sex = static_cast<Sex>(m_sex->currentData().toInt());
    Enrolment trial = enrolment();
    trial.members = {p};
    trial.consents.clear();
    QStringList problems;
    for (const QString& problem : HouseholdService(m_db, m_session).enrolmentProblems(trial))
        if (problem.startsWith(tr("member %1").arg(1) + QStringLiteral(": ")))
            problems << problem;
    const QStringList fields = {QStringLiteral("first_name"), QStringLiteral("last_name"),
                                QStringLiteral("birth_date"), QStringLiteral("role"),
                                QStringLiteral("members")};
    showProblems(problems, fields);
    if (!problems.isEmpty())
        return false;
    m_members.push_back(p);
    fillMembers();
    m_first->clear();
    m_duplicate->hide();
    return true;
}

void EnrolmentWizard::fillMembers()
{
    m_memberTable->setRowCount(int(m_members.size()));
    for (int r = 0; r < int(m_members.size()); ++r) {
        const Person& p = m_members[size_t(r)];
        const QStringList cells = {
            p.code, p.fullName(), QLocale().toString(p.birthDate, QLocale::ShortFormat), displayName(p.role)};
        for (int c = 0; c < cells.size(); ++c)
            m_memberTable->setItem(r, c, new QTableWidgetItem(cells.at(c)));
    }
}

void EnrolmentWizard::checkDuplicates()
{
    Person p;
    p.firstName = m_first->text().trimmed();
    p.lastName = m_last->text().trimmed();
    p.birthDate = m_birth->date();
    if (p.firstName.isEmpty() || p.lastName.isEmpty()) {
        m_duplicate->hide();
        return;
    }
    std::vector<PossibleDuplicate> found;
    try {
        found = HouseholdService(m_db, m_session).possibleDuplicates(p);
    } catch (const Error&) {
    }
    if (found.empty()) {
        m_duplicate->hide();
        return;
    }
    QStringList links;
    for (const PossibleDuplicate& d : found)
        links << QStringLiteral("<a href=\"%1\">%2 (%1)</a>")
                     .arg(d.householdCode.toHtmlEscaped(), d.person.code.toHtmlEscaped());
    m_duplicate->setText(
        tr("Possible duplicate: a person with this name and birth date is already a member of "
           "another household: %1. Check before enrolling them again.")
            .arg(links.join(QStringLiteral(", "))));
    m_duplicate->show();
}

bool EnrolmentWizard::validateCurrentPage()
{
    const QStringList problems = HouseholdService(m_db, m_session).enrolmentProblems(enrolment());
    QStringList fields;
    switch (currentId()) {
    case HouseholdPage:
        fields = {QStringLiteral("code"), QStringLiteral("commune"), QStringLiteral("postcode"),
                  QStringLiteral("enrolled_on")};
        break;
    case MembersPage:
        fields = {QStringLiteral("members")};
        break;
    case CardPage:
        fields = {QStringLiteral("card_id")};
        break;
    default:
        fields = {QStringLiteral("save")};
        return true;
    }
    showProblems(problems, fields);
    for (const QString& f : fields)
        if (m_errors.count(f) && !m_errors[f]->text().isEmpty())
            return false;
    return true;
}

void EnrolmentWizard::accept()
{
    Enrolment e = enrolment();
    try {
        HouseholdService(m_db, m_session).enrol(e);
    } catch (const Error& error) {
        m_errors[QStringLiteral("save")]->setText(error.message());
        return;
    }
    emit enrolled(e.household.code);
    QWizard::accept();
}

} // namespace cabas::ui

#include "Accessibility.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QFormLayout>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QLayout>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTableView>
#include <QTextDocument>
#include <QTextEdit>
#include <QWidget>

namespace cabas::ui::a11y {

void markSearchField(QWidget* field, const QString& name)
{
    field->setProperty("cabasSearchField", true);
    field->setAccessibleName(name);
    field->setToolTip(
        withShortcut(name, QKeySequence(QKeySequence::Find).toString(QKeySequence::PortableText)));
}

QLabel* labelFor(const QString& text, QWidget* field, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setBuddy(field);
    return label;
}

namespace {

bool isInput(const QWidget* w)
{
    return (w->focusPolicy() & Qt::TabFocus) == Qt::TabFocus &&
           (qobject_cast<const QLineEdit*>(w) || qobject_cast<const QAbstractSpinBox*>(w) ||
            qobject_cast<const QComboBox*>(w) || qobject_cast<const QAbstractButton*>(w) ||
            qobject_cast<const QAbstractItemView*>(w) || qobject_cast<const QTextEdit*>(w) ||
            qobject_cast<const QPlainTextEdit*>(w));
}

QWidget* firstInputIn(QWidget* container)
{
    if (isInput(container))
        return container;
    if (container->focusProxy())
        return container->focusProxy();
    const auto children = container->findChildren<QWidget*>();
    for (QWidget* w : children)
        if (isInput(w))
            return w;
    return nullptr;
}

QWidget* firstInputIn(QLayout* layout)
{
    for (int i = 0; i < layout->count(); ++i) {
        QLayoutItem* item = layout->itemAt(i);
        if (QWidget* w = item->widget()) {
            if (QWidget* input = firstInputIn(w))
                return input;
        } else if (QLayout* inner = item->layout()) {
            if (QWidget* input = firstInputIn(inner))
                return input;
        }
    }
    return nullptr;
}

} // namespace

QString plainLabel(const QString& text)
{
    QString plain = Qt::mightBeRichText(text) ? [&] {
        QTextDocument doc;
        doc.setHtml(text);
        return doc.toPlainText();
    }()
                                              : text;
    plain.replace(QStringLiteral("&&"), QStringLiteral("\x01"));
    plain.remove(QLatin1Char('&'));
    plain.replace(QStringLiteral("\x01"), QStringLiteral("&"));
    plain = plain.trimmed();
    while (plain.endsWith(QLatin1Char(':')))
        plain.chop(1);
    return plain.trimmed();
}

void connectLabels(QWidget* top)
{
    const auto forms = top->findChildren<QFormLayout*>();
    for (QFormLayout* form : forms)
        for (int row = 0; row < form->rowCount(); ++row) {
            QLayoutItem* labelItem = form->itemAt(row, QFormLayout::LabelRole);
            QLayoutItem* fieldItem = form->itemAt(row, QFormLayout::FieldRole);
            auto* label = labelItem ? qobject_cast<QLabel*>(labelItem->widget()) : nullptr;
            if (!label || label->buddy() || !fieldItem || !fieldItem->layout())
                continue;
            if (QWidget* input = firstInputIn(fieldItem->layout()))
                label->setBuddy(input);
        }
    const auto labels = top->findChildren<QLabel*>();
    for (QLabel* label : labels) {
        QWidget* buddy = label->buddy();
        if (!buddy)
            continue;
        QWidget* input = firstInputIn(buddy);
        if (!input)
            continue;
        if (input != buddy && !buddy->focusProxy())
            label->setBuddy(input);
        if (input->accessibleName().isEmpty())
            input->setAccessibleName(plainLabel(label->text()));
    }
}

void placeInTabChain(QWidget* container, QWidget* after)
{
    QList<QWidget*> inputs;
    for (QWidget* w = container->nextInFocusChain(); w != container; w = w->nextInFocusChain()) {
        if (inputs.contains(w))
            break;
        if (container->isAncestorOf(w) && (w->focusPolicy() & Qt::TabFocus) == Qt::TabFocus &&
            !w->focusProxy())
            inputs << w;
    }
    QWidget* previous = after;
    for (QWidget* w : inputs) {
        QWidget::setTabOrder(previous, w);
        previous = w;
    }
}

void fitColumnsToHeaders(QTableView* table)
{
    QHeaderView* header = table->horizontalHeader();
    for (int column = 0; column < header->count(); ++column) {
        const int wanted = header->sectionSizeHint(column);
        if (header->sectionSize(column) < wanted)
            header->resizeSection(column, wanted);
    }
}

QString withShortcut(const QString& text, const QString& portableShortcut)
{
    return QCoreApplication::translate("cabas::ui::a11y", "%1 (%2)")
        .arg(text,
             QKeySequence(portableShortcut, QKeySequence::PortableText).toString(QKeySequence::NativeText));
}

} // namespace cabas::ui::a11y

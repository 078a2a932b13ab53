#pragma once

#include <QString>

class QLabel;
class QTableView;
class QWidget;

namespace cabas::ui::a11y {

// Keyboard and screen-reader helpers shared by the forms (docs/accessibility.md).

// Marks `field` as the search of its page: Go › Search in this section (Ctrl+F) puts the focus in it; a
// screen reader reads `name`; the tooltip names the shortcut.
void markSearchField(QWidget* field, const QString& name);

// A label for `field` whose `&` mnemonic (Alt+letter) puts the focus in the field; a screen reader reads the
// label's text as the field's name.
QLabel* labelFor(const QString& text, QWidget* field, QWidget* parent);

// Completes what the labels of `top`'s forms tell the keyboard and screen readers, once its widgets are
// built: a label whose buddy is a row of widgets (a field and its unit, a path and its Browse button), or a
// form row whose field is a layout, gets the row's first input as its buddy (its mnemonic goes there); and
// that input is named by the label (Qt only finds a buddy label among the input's siblings).
void connectLabels(QWidget* top);

// Puts the inputs of `container` (in their present order) right after `after` in the Tab chain: for widgets
// built later than their neighbours (areas filled when a record is read).
void placeInTabChain(QWidget* container, QWidget* after);

// Widens every column of `table` that is narrower than its header's text (French headers are longer than the
// pixel widths chosen for the data), so that no header is cut.
void fitColumnsToHeaders(QTableView* table);

// The text of a label as a name: without the mnemonic's & and a trailing colon.
QString plainLabel(const QString& text);

// "text (shortcut)" for a tooltip, the shortcut in the platform's notation.
QString withShortcut(const QString& text, const QString& portableShortcut);

} // namespace cabas::ui::a11y

"""Excel round trip (openpyxl): templates to fill in, reading them back, roll-up exports.

Mẫu nhập liệu Excel. A template is either one unit's report laid out like the paper
form (sections, indicator code, name, unit of measure, this period's value, last
period's for reference; the narrative parts as large wrapped cells), or one row per
unit of a subtree (`templates`). A hidden sheet records what the template is
(`shape`). Uploads (`upload`) go through `bulk.import_values`, the all-or-nothing path
the API uses, inside one transaction that is rolled back on any problem; each problem
comes back pointed at its sheet, row and column, and a formula in an input cell is one.
The roll-up table exports as .xlsx too (`export`). Styles, streamed sheets and the
safety checks on uploaded files are shared by every app: `giaoban.exports.xlsx`.
"""

from giaoban.exports.xlsx import MAX_UPLOAD_BYTES, XLSX_TYPE, CellProblem, UploadError
from giaoban.reports.excel.export import mode_label, rollup_workbook
from giaoban.reports.excel.shape import META_SHEET, FormShape, checksum
from giaoban.reports.excel.templates import subtree_template, template_units, unit_template
from giaoban.reports.excel.upload import UploadResult, read_upload

__all__ = [
    "MAX_UPLOAD_BYTES",
    "META_SHEET",
    "XLSX_TYPE",
    "CellProblem",
    "FormShape",
    "UploadError",
    "UploadResult",
    "checksum",
    "mode_label",
    "read_upload",
    "rollup_workbook",
    "subtree_template",
    "template_units",
    "unit_template",
]

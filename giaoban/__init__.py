"""giaoban — chỉ đạo, báo cáo công tác đảng, công tác chính trị theo cây đơn vị."""

__version__ = "0.1.0"

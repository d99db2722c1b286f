"""The LibreOffice helper of the PDF tests (tests/office.py) skips only for a missing
package, which it names, and otherwise fails with what LibreOffice said."""

import pytest

from tests import office

STDERR = "Error: source file could not be loaded"


@pytest.fixture
def fake_office(tmp_path, monkeypatch):
    """A LibreOffice installed like Debian's (soffice beside the modules' libraries), on an
    otherwise empty PATH; `install(script, *libraries)` puts it in place."""

    def install(script, *libraries):
        program = tmp_path / "lib" / "libreoffice" / "program"
        program.mkdir(parents=True)
        soffice = program / "soffice"
        soffice.write_text("#!/bin/sh\n" + script)
        soffice.chmod(0o755)
        for library in ("libmergedlo.so", *libraries):
            (program / library).touch()
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        (bin_dir / "libreoffice").symlink_to(soffice)
        return soffice

    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    return install


def test_without_libreoffice_it_skips_naming_the_package(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(pytest.skip.Exception, match=r"apt-get install libreoffice-calc"):
        office.convert(tmp_path, {"a.xlsx": b"x"}, tmp_path / "profile")
    with pytest.raises(pytest.skip.Exception, match=r"apt-get install libreoffice-writer"):
        office.convert(tmp_path, {"a.docx": b"x"}, tmp_path / "profile")


def test_with_writer_but_not_calc_a_workbook_skips_naming_calc(tmp_path, fake_office):
    fake_office(f"echo '{STDERR}' >&2\n", "libswlo.so")
    with pytest.raises(pytest.skip.Exception) as skipped:
        office.convert(tmp_path, {"a.docx": b"x", "b.xlsx": b"x"}, tmp_path / "profile")
    assert "LibreOffice Calc is not installed" in str(skipped.value)
    assert "apt-get install libreoffice-calc" in str(skipped.value)


def test_no_pdf_for_another_reason_fails_with_what_libreoffice_said(tmp_path, fake_office):
    fake_office(f"echo '{STDERR}' >&2\n", "libswlo.so", "libsclo.so")
    with pytest.raises(pytest.fail.Exception) as failed:
        office.convert(tmp_path, {"a.xlsx": b"x"}, tmp_path / "profile")
    assert STDERR in str(failed.value)
    assert "made no PDF of ['a.xlsx']" in str(failed.value)


def test_a_failing_run_fails_with_its_exit_status(tmp_path, fake_office):
    fake_office("echo 'javaldx: out of memory' >&2\nexit 81\n", "libswlo.so")
    with pytest.raises(pytest.fail.Exception) as failed:
        office.convert(tmp_path, {"a.docx": b"x"}, tmp_path / "profile")
    assert "exited with 81" in str(failed.value) and "out of memory" in str(failed.value)


def test_a_successful_run_gives_each_file_its_pdf(tmp_path, fake_office):
    # The fake writes a PDF beside each .docx it is given (here, in --outdir) as LibreOffice would.
    fake_office(
        'for f in "$@"; do case "$f" in *.docx) : >"${f%.docx}.pdf";; esac; done\n', "libswlo.so"
    )
    pdfs = office.convert(tmp_path, {"a.docx": b"x", "b.docx": b"y"}, tmp_path / "profile")
    assert pdfs == {"a.docx": tmp_path / "a.pdf", "b.docx": tmp_path / "b.pdf"}
    assert (tmp_path / "b.docx").read_bytes() == b"y"

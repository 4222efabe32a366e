"""The readers of national texts, on deadline and fee texts as the national database and the
provinces' decisions publish them (typos and all)."""

from decimal import Decimal

import pytest

from congso.procedures.parsing import (
    AmountError,
    national_code,
    parse_amount,
    parse_deadline,
    parse_fees,
)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("2.000", 2000),
        ("2.000 đồng", 2000),
        ("50,000", 50000),
        ("50,000 VNĐ", 50000),
        ("1.000.000", 1_000_000),
        ("1,000,000 đ", 1_000_000),
        ("200000", 200000),
        ("8.000đồng", 8000),
        ("10 nghìn đồng", 10000),
        ("1,5 triệu đồng", 1_500_000),
        (" 100.000 VND ", 100000),
        (0, 0),
        (3000, 3000),
    ],
)
def test_amounts_in_both_thousands_styles(text, amount):
    assert parse_amount(text) == amount


@pytest.mark.parametrize(
    "text", ["2,5", "2.5", "1.000,50", "1,000.00", "1.00.000", "abc", "", "2,5 đồng"]
)
def test_ambiguous_or_invalid_amounts_are_refused_with_a_vietnamese_message(text):
    with pytest.raises(AmountError) as exc:
        parse_amount(text)
    assert any(
        word in str(exc.value)
        for word in ("không rõ", "không phải số tiền", "thiếu số tiền", "dấu chấm")
    )


@pytest.mark.parametrize(
    ("text", "code", "local"),
    [
        ("1.003583", "1.003583", ""),
        ("1003583", "1.003583", ""),
        ("1.003583.000.00.00.H37", "1.003583", "1.003583.000.00.00.H37"),
        (" 2.000815.000.00.00.h26 ", "2.000815", "2.000815.000.00.00.H26"),
    ],
)
def test_national_code_forms(text, code, local):
    assert national_code(text) == (code, local)


@pytest.mark.parametrize("text", ["1.00358", "TT-1003583", "1.003583.000"])
def test_bad_national_codes(text):
    with pytest.raises(ValueError, match="không đúng dạng"):
        national_code(text)


SAME_DAY = (
    "Ngay trong ngày tiếp nhận yêu cầu, trường hợp nhận hồ sơ sau 15 giờ mà không giải quyết được ngay "
    "thì trả kết quả trong ngày làm việc tiếp theo"
)
CHUNG_THUC = (
    "Trong ngày cơ quan, tổ chức tiếp nhận yêu cầu hoặc trong ngày làm việc tiếp theo, nếu tiếp nhận yêu "
    "cầu sau 15 giờ."
)


@pytest.mark.parametrize(
    ("text", "duration", "kind", "flags"),
    [
        ("Trong ngày", 1, "same_day", []),
        ("TRONG NGÀY", 1, "same_day", []),
        (SAME_DAY, 1, "same_day", []),
        (CHUNG_THUC, 1, "same_day", []),
        ("05 ngày làm việc", 5, "working_days", []),
        ("15 Ngày làm việc", 15, "working_days", []),
        ("03 ngày làm việc kể từ ngày nhận được hồ sơ hợp lệ", 3, "working_days", []),
        (
            "Tối đa không quá 15 ngày làm việc, kể từ ngày nộp đủ hồ sơ theo quy định.",
            15,
            "working_days",
            [],
        ),
        ("Không quá 02 ngày làm việc", 2, "working_days", []),
        ("Không quả 02 ngày làm việc", 2, "working_days", []),  # typo as published
        ("5 ngày", 5, "calendar_days", ["deadline_calendar_days"]),
        ("Không quá 30 ngày", 30, "calendar_days", ["deadline_calendar_days"]),
        ("Không quả 02 ngày", 2, "calendar_days", ["deadline_calendar_days"]),
        (
            "03 ngày làm việc, trường hợp phải xác minh thì thời hạn giải quyết không quá 10 ngày làm việc.",
            10,
            "working_days",
            ["deadline_several_cases"],
        ),
        (
            "03 ngày làm việc. Trường hợp phải xác minh thì thời hạn giải quyết không quá 23 ngày.",
            23,
            "calendar_days",
            ["deadline_several_cases", "deadline_calendar_days"],
        ),
        (
            SAME_DAY
            + ". Trường hợp cần xác minh thì thời hạn giải quyết không quá 03 ngày làm việc.",
            3,
            "working_days",
            ["deadline_several_cases"],
        ),
        (
            "15 ngày làm việc đối với nhà ở riêng lẻ; 20 ngày làm việc đối với công trình",
            20,
            "working_days",
            ["deadline_several_cases"],
        ),
        ("1", 1, "unknown", ["deadline_no_unit"]),
        ("Số ngày xử lý: 1", 1, "unknown", ["deadline_no_unit"]),
        ("Số ngày xử lý: 3", 3, "unknown", ["deadline_no_unit"]),
        ("Không có thông tin", 0, "unknown", ["deadline_missing"]),
        ("", 0, "unknown", ["deadline_missing"]),
        ("Theo kế hoạch rà soát hằng năm", 0, "unknown", ["deadline_unreadable"]),
    ],
)
def test_deadline_texts(text, duration, kind, flags):
    deadline = parse_deadline(text)
    assert (deadline.duration, deadline.kind, [f.code for f in deadline.flags]) == (
        Decimal(duration),
        kind,
        flags,
    )
    assert deadline.text == text.strip()


def test_file_wide_default_unit_for_bare_days_and_numbers():
    assert parse_deadline("Không quá 02 ngày", "working_days").kind == "working_days"
    assert parse_deadline("Không quá 02 ngày", "working_days").flags == []
    assert (
        parse_deadline("1", "working_days").kind,
        parse_deadline("1", "working_days").flags,
    ) == ("working_days", [])
    assert parse_deadline("05 ngày làm việc", "calendar_days").kind == "working_days"


def _rows(text):
    return [
        (f.kind, f.amount, f.per_unit, f.from_unit, f.max_amount, bool(f.condition))
        for f in parse_fees(text).fees
    ]


@pytest.mark.parametrize(
    "text", ["Miễn phí", "Không", "Không thu", "Miễn lệ phí", "không", "Không thu phí", ""]
)
def test_free(text):
    reading = parse_fees(text)
    assert (reading.free, reading.fees, reading.flags) == (True, [], [])


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("10.000 đồng/trường hợp", [("charge", 10000, "trường hợp", None, None, False)]),
        (
            "50,000 VNĐ/hợp đồng, giao dịch",
            [("charge", 50000, "hợp đồng, giao dịch", None, None, False)],
        ),
        (
            "50.000 đồng/hợp đồng, giao dịch",
            [("charge", 50000, "hợp đồng, giao dịch", None, None, False)],
        ),
        ("Lệ phí: 100.000 đồng/lần", [("charge", 100000, "lần", None, None, False)]),
        (
            "8.000đồng/bản sao trích lục/sự kiện hộ tịch đã đăng ký",
            [("charge", 8000, "bản sao trích lục", None, None, False)],
        ),
        ("3.000 đồng/trường hợp", [("charge", 3000, "trường hợp", None, None, False)]),
        ("5.000 đồng", [("charge", 5000, "", None, None, False)]),
        ("Lệ phí: 15.000 đồng/giấy phép", [("charge", 15000, "giấy phép", None, None, False)]),
        (
            "2.000 đồng/trang; từ trang thứ 3 trở lên thu 1.000 đồng/trang, tối đa thu không quá 200.000 đồng/bản.",
            [
                ("charge", 2000, "trang", 1, 200000, False),
                ("charge", 1000, "trang", 3, 200000, False),
            ],
        ),
        (
            "Phí chứng thực bản sao từ bản chính: 2.000 đồng/trang. Từ trang thứ ba trở lên thu 1.000 đồng/trang, nhưng "
            "mức thu tối đa không quá 200.000 đồng/bản.",
            [("fee", 2000, "trang", 1, 200000, False), ("fee", 1000, "trang", 3, 200000, False)],
        ),
    ],
)
def test_single_per_unit_and_tiered_amounts(text, rows):
    reading = parse_fees(text)
    assert _rows(text) == rows and reading.flags == [] and not reading.free


def test_conditional_fees_are_rows_to_pick_never_summed():
    birth = (
        "Miễn lệ phí đối với trường hợp đăng ký khai sinh đúng hạn, người thuộc gia đình có công với cách mạng; "
        "người thuộc hộ nghèo; người khuyết tật.\n8.000 đồng/trường hợp đối với đăng ký khai sinh không đúng hạn."
    )
    rows = parse_fees(birth).fees
    assert [(f.amount, bool(f.condition)) for f in rows] == [(0, True), (8000, True)]
    assert "người khuyết tật" in rows[0].condition and "không đúng hạn" in rows[1].condition
    death = (
        "5.000 đồng Miễn lệ phí đối với trường hợp đăng ký khai tử đúng hạn; đăng ký cho người thuộc gia đình có "
        "công với cách mạng; người thuộc hộ nghèo; người khuyết tật."
    )
    rows = parse_fees(death).fees
    assert [(f.amount, f.condition[:30]) for f in rows] == [
        (5000, "Các trường hợp còn lại"),
        (0, "Miễn lệ phí đối với trường hợp"),
    ]
    online = (
        "7.000 đồng/lần đăng ký; 3.500 đồng/lần đăng ký đối với trường hợp nộp hồ sơ trực tuyến"
    )
    rows = parse_fees(online).fees
    assert [(f.amount, bool(f.condition)) for f in rows] == [(7000, True), (3500, True)]
    with_note = (
        "8.000 đồng/lần đăng ký.\n\n(Đối với đăng ký khai sinh không đúng hạn, đăng ký lại khai sinh, đăng ký "
        "khai sinh cho người đã có hồ sơ, giấy tờ cá nhân)"
    )
    rows = parse_fees(with_note).fees
    assert len(rows) == 1 and rows[0].condition.startswith(
        "Đối với đăng ký khai sinh không đúng hạn"
    )


def test_foreign_currency_kept_as_text_and_flagged():
    text = (
        "Tại Phòng Tư pháp: 2.000 đồng/trang; từ trang thứ 3 trở lên thu 1.000 đồng/trang, tối đa thu không "
        "quá 200.000 đồng/bản; tại cơ quan đại diện: 10 USD/bản"
    )
    reading = parse_fees(text)
    assert reading.text == text
    assert "fee_foreign_currency" in [f.code for f in reading.flags]
    assert [f.amount for f in reading.fees] == [2000, 1000]


@pytest.mark.parametrize(
    "text",
    [
        "Theo mức thu lệ phí do Hội đồng nhân dân cấp tỉnh quy định.",
        "Lệ phí : - Đối với trường hợp đăng ký khai sinh không đúng hạn: theo mức thu lệ phí do Hội đồng nhân dân cấp "
        "tỉnh quy định. - Miễn lệ phí đối với trường hợp khai sinh đúng hạn, người thuộc gia đình có công với cách mạng; "
        "người thuộc hộ nghèo; người khuyết tật.",
    ],
)
def test_fees_without_amount_are_flagged(text):
    assert "fee_unreadable" in [f.code for f in parse_fees(text).flags]


def test_ambiguous_fee_amount_flagged():
    assert "fee_ambiguous" in [f.code for f in parse_fees("2,5 đồng/trang").flags]


def test_long_conditions_are_kept_whole():
    exemptions = "; ".join(
        f"người thuộc nhóm đối tượng số {i} theo quy định của pháp luật" for i in range(60)
    )
    text = (
        f"Miễn lệ phí đối với {exemptions}.\n8.000 đồng/trường hợp đối với đăng ký không đúng hạn."
    )
    assert len(text) > 3000
    rows = parse_fees(text).fees
    assert rows[0].condition.endswith("số 59 theo quy định của pháp luật")


@pytest.mark.parametrize(
    ("text", "duration", "kind"),
    [
        # Supplement vs correction, as the provinces publish "Bổ sung thông tin hộ tịch" and
        # "Thay đổi, cải chính hộ tịch": the larger base, flagged.
        (
            "Ngay trong ngày tiếp nhận hồ sơ đối với việc bổ sung; 03 ngày làm việc đối với việc cải chính; trường hợp "
            "cần xác minh thì không quá 06 ngày làm việc",
            6,
            "working_days",
        ),
        ("- Bổ sung: trong ngày.\n- Cải chính: 03 ngày làm việc", 3, "working_days"),
        (
            "05 ngày làm việc (trường hợp cấp đổi); 10 ngày làm việc (trường hợp cấp lại)",
            10,
            "working_days",
        ),
    ],
)
def test_several_cases_take_the_larger_base_flagged(text, duration, kind):
    deadline = parse_deadline(text)
    assert (deadline.duration, deadline.kind) == (Decimal(duration), kind)
    assert "deadline_several_cases" in [f.code for f in deadline.flags]


# Texts as the national portal (dichvucong.gov.vn) renders them: "Phí : 2000 Đồng" and the
# description in brackets; a number spelled out in brackets after the digits.
@pytest.mark.parametrize(
    ("text", "rows"),
    [
        (
            "Phí : 2000 Đồng\n(2.000 đồng/trang đối với trang thứ nhất, trang thứ hai. từ trang thứ 3 "
            "trở lên thu 1.000 đồng/trang nhưng mức thu tối đa thu không quá 200.000 đồng/bản.)",
            [(2000, "trang", 1, 200000, ""), (1000, "trang", 3, 200000, "")],
        ),
        (
            "Lệ phí : 8000 Đồng\n(Lệ phí cấp bản sao trích lục hộ tịch)",
            [(8000, "", None, None, "")],
        ),
    ],
)
def test_portal_rendered_fee_rows(text, rows):
    reading = parse_fees(text)
    assert reading.flags == [] and not reading.free
    assert [
        (f.amount, f.per_unit, f.from_unit, f.max_amount, f.condition) for f in reading.fees
    ] == rows


def test_portal_zero_fee_is_free_and_spelled_out_numbers_are_read():
    assert parse_fees("Lệ phí : 0 Đồng\n(Miễn lệ phí)").free
    reading = parse_deadline("Không quá 03 (ba) ngày làm việc")
    assert (reading.duration, reading.kind, reading.flags) == (3, "working_days", [])


# "Cách thức thực hiện" rows of the national portal as they are published for hộ tịch,
# chứng thực and lý lịch tư pháp procedures (copied with their odd forms: an empty amount
# printed "Lệ phí : Đồng", the description on the same line, a trailing tab, a stray letter).
@pytest.mark.parametrize(
    "text",
    [
        "Lệ phí : Đồng Miễn lệ phí. Phí cấp bản sao Trích lục kết hôn (nếu có yêu cầu) thực hiện "
        "theo quy định tại Thông tư số 281/2016/TT-BTC ngày 14/11/2016 của Bộ Tài chính.",
        "Lệ phí : Đồng (Miễn lệ phí. Phí cấp bản sao Trích lục kết hôn (nếu có yêu cầu) thực hiện "
        "theo quy định tại Thông tư số 281/2016/TT-BTC ngày 14/11/2016 của Bộ Tài chính.)  ",
        "Lệ phí : Miễn lệ phí. Phí cấp bản sao Trích lục kết hôn (nếu có yêu cầu) thực hiện theo "
        "quy định tại Thông tư số 281/2016/TT-BTC ngày 14/11/2016 của Bộ Tài chính.",
    ],
)
def test_portal_empty_amount_free_with_the_copy_fee_flagged(text):
    """Free (no row, never 281 or 2016 đồng read from the circular's number or date), and the
    copy fee the text refers to is flagged for a person to enter."""
    reading = parse_fees(text)
    assert reading.free and reading.fees == []
    assert [f.code for f in reading.flags] == ["fee_unreadable"]
    assert "Phí cấp bản sao Trích lục kết hôn" in reading.flags[0].message


def test_portal_empty_amount_without_description_is_flagged_not_free():
    reading = parse_fees("Phí: Đồng  ")
    assert not reading.free and reading.fees == []
    assert [f.code for f in reading.flags] == ["fee_unreadable"]
    assert "Cổng dịch vụ công không có số tiền" in reading.flags[0].message


def test_portal_rows_with_same_line_descriptions_are_not_counted_twice():
    text = (
        "Phí : 100.000 Đồng Phí cung cấp thông tin lý lịch tư pháp của sinh viên, người có công "
        "với cách mạng, thân nhân liệt sỹ (gồm cha đẻ, mẹ đẻ, vợ (hoặc chồng), con (con đẻ, con "
        "nuôi), người có công nuôi dưỡng liệt sỹ): 100.000 đồng/lần/người. Các trường hợp miễn "
        "phí cung cấp thông tin lý lịch tư pháp gồm: Trẻ em theo quy định tại Luật bảo vệ, chăm "
        "sóc và giáo dục trẻ em; Người cao tuổi theo quy định tại Luật người cao tuổi.\n"
        "Phí : 200.000 Đồng Phí cung cấp thông tin lý lịch tư pháp: 200.000 đồng/lần/người."
    )
    reading = parse_fees(text)
    assert [(f.kind, f.amount, f.per_unit) for f in reading.fees] == [
        ("fee", 100000, "lần"),
        ("fee", 200000, "lần"),
    ]
    # Two alternatives the officer picks, each named by its description; never one sum.
    assert all(f.condition for f in reading.fees)
    assert reading.fees[0].name.startswith("Phí cung cấp thông tin lý lịch tư pháp của sinh viên")
    # The exemptions have no amount to read: flagged.
    assert "fee_unreadable" in [f.code for f in reading.flags]


def test_portal_empty_amount_rows_read_their_tiers_and_flag_the_foreign_one():
    text = (
        "Phí : Đồng Tại UBND cấp xã, Phòng Tư pháp, Tổ chức hành nghề công chứng: 2.000 "
        "đồng/trang; từ trang thứ 3 trở lên thu 1.000 đồng/trang, tối đa thu không quá 200.000 "
        "đồng/bản. Trang là căn cứ để thu phí được tính theo trang của bản chính. Phí : Đồng Tại "
        "cơ quan đại diện: 10 USD/bản;"
    )
    reading = parse_fees(text)
    assert [(f.amount, f.per_unit, f.from_unit, f.max_amount) for f in reading.fees] == [
        (2000, "trang", 1, 200000),
        (1000, "trang", 3, 200000),
    ]
    assert not reading.fees[0].name.startswith("Phí : Đồng")
    assert "fee_foreign_currency" in [f.code for f in reading.flags]


@pytest.mark.parametrize(
    ("text", "duration", "kind", "flags"),
    [
        ("05 Ngày làm việc", 5, "working_days", []),
        ("10 Ngày làm việc\t", 10, "working_days", []),
        (
            "Thời hạn thực hiện yêu cầu chứng thực là ngay trong ngày cơ quan, tổ chức tiếp nhận "
            "yêu cầu hoặc trong ngày làm việc tiếp theo nếu tiếp nhận yêu cầu sau 15 giờ. Trường "
            "hợp trả kết quả trong ngày làm việc tiếp theo hoặc phải kéo dài thời gian theo thỏa "
            "thuận thì người tiếp nhận hồ sơ phải có phiếu hẹn ghi rõ thời gian (giờ, ngày) trả kết "
            "quả cho người yêu cầu chứng thực.c",
            1,
            "same_day",
            [],
        ),
        (
            "Ngay trong ngày tiếp nhận hồ sơ; trường hợp nhận hồ sơ sau 15 giờ mà không giải quyết "
            "được ngay thì trả kết quả trong ngày làm việc tiếp theo.Trường hợp cần xác minh điều "
            "kiện kết hôn của hai bên nam, nữ thì thời hạn giải quyết không quá 05 ngày làm việc.",
            5,
            "working_days",
            ["deadline_several_cases"],
        ),
        (
            "03 ngày làm việc; trường hợp phải xác minh thì thời hạn giải quyết không quá 23 ngày. ",
            23,
            "calendar_days",
            ["deadline_several_cases", "deadline_calendar_days"],
        ),
        (
            "- Thời hạn thực hiện liên thông các thủ tục hành chính đăng ký khai sinh, cấp thẻ bảo "
            "hiểm y tế cho trẻ em dưới 6 tuổi tối đa không quá 15 ngày làm việc, kể từ ngày nộp đủ "
            "hồ sơ theo quy định. - Trường hợp hồ sơ, thông tin chưa đầy đủ … thì thời hạn giải "
            "quyết được kéo dài thêm không quá 02 ngày làm việc. - Đối với các xã cách xa trụ sở "
            "cơ quan Bảo hiểm xã hội cấp huyện từ 50 km trở lên … được kéo dài thêm nhưng không "
            "quá 05 ngày làm việc.",
            15,
            "working_days",
            ["deadline_several_cases"],
        ),
    ],
)
def test_portal_deadline_texts(text, duration, kind, flags):
    deadline = parse_deadline(text)
    assert (deadline.duration, deadline.kind) == (Decimal(duration), kind)
    assert [f.code for f in deadline.flags] == flags

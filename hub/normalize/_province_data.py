"""Place names leads still use, mapped to the 2025 provincial units.

Since 1 July 2025 (Resolution 202/2025/QH15) Vietnam has 34 provincial units and no districts.
Every old province was merged whole into exactly one new unit, so an old district resolves
through its old province. The current units and wards come from the `vietnam-provinces`
package; the pre-2025 names below are not in it (release 2025.10.1 ships only the 2025 units).
"""
from __future__ import annotations

# Old (pre-2025) province code -> code of the 2025 unit it was merged into.
OLD_TO_NEW: dict[int, int] = {
    1: 1, 2: 8, 4: 4, 6: 19, 8: 8, 10: 15, 11: 11, 12: 12, 14: 14, 15: 15, 17: 25, 19: 19,
    20: 20, 22: 22, 24: 24, 25: 25, 26: 25, 27: 24, 30: 31, 31: 31, 33: 33, 34: 33, 35: 37,
    36: 37, 37: 37, 38: 38, 40: 40, 42: 42, 44: 44, 45: 44, 46: 46, 48: 48, 49: 48, 51: 51,
    52: 52, 54: 66, 56: 56, 58: 56, 60: 68, 62: 51, 64: 52, 66: 66, 67: 68, 68: 68, 70: 75,
    72: 80, 74: 79, 75: 75, 77: 79, 79: 79, 80: 80, 82: 82, 83: 86, 84: 86, 86: 86, 87: 82,
    89: 91, 91: 91, 92: 92, 93: 92, 94: 92, 95: 96, 96: 96,
}

# The 63 provinces of 2008-2025, plus Hà Tây (merged into Hà Nội in 2008).
OLD_PROVINCES: dict[int, tuple[str, ...]] = {
    1: ("Hà Nội", "Hà Tây"), 2: ("Hà Giang",), 4: ("Cao Bằng",), 6: ("Bắc Kạn", "Bắc Cạn"),
    8: ("Tuyên Quang",), 10: ("Lào Cai",), 11: ("Điện Biên",), 12: ("Lai Châu",),
    14: ("Sơn La",), 15: ("Yên Bái",), 17: ("Hòa Bình",), 19: ("Thái Nguyên",),
    20: ("Lạng Sơn",), 22: ("Quảng Ninh",), 24: ("Bắc Giang",), 25: ("Phú Thọ",),
    26: ("Vĩnh Phúc",), 27: ("Bắc Ninh",), 30: ("Hải Dương",), 31: ("Hải Phòng",),
    33: ("Hưng Yên",), 34: ("Thái Bình",), 35: ("Hà Nam",), 36: ("Nam Định",),
    37: ("Ninh Bình",), 38: ("Thanh Hóa",), 40: ("Nghệ An",), 42: ("Hà Tĩnh",),
    44: ("Quảng Bình",), 45: ("Quảng Trị",), 46: ("Thừa Thiên Huế", "Thừa Thiên - Huế", "Huế"),
    48: ("Đà Nẵng",), 49: ("Quảng Nam",), 51: ("Quảng Ngãi",), 52: ("Bình Định",),
    54: ("Phú Yên",), 56: ("Khánh Hòa",), 58: ("Ninh Thuận",), 60: ("Bình Thuận",),
    62: ("Kon Tum",), 64: ("Gia Lai",), 66: ("Đắk Lắk", "Đắc Lắc", "Đắk Lắc", "Đắc Lắk"),
    67: ("Đắk Nông", "Đắc Nông"), 68: ("Lâm Đồng",), 70: ("Bình Phước",), 72: ("Tây Ninh",),
    74: ("Bình Dương",), 75: ("Đồng Nai",), 77: ("Bà Rịa - Vũng Tàu", "Bà Rịa Vũng Tàu"),
    79: ("Hồ Chí Minh", "Sài Gòn"), 80: ("Long An",),
    82: ("Tiền Giang",), 83: ("Bến Tre",), 84: ("Trà Vinh",), 86: ("Vĩnh Long",),
    87: ("Đồng Tháp",), 89: ("An Giang",), 91: ("Kiên Giang",), 92: ("Cần Thơ",),
    93: ("Hậu Giang",), 94: ("Sóc Trăng",), 95: ("Bạc Liêu",), 96: ("Cà Mau",),
}

# Abbreviations people type, as folded keys. Several old provinces share initials: those keys
# map to every candidate (2025 codes) and resolve as "ambiguous".
ABBREVIATIONS: dict[str, tuple[int, ...]] = {
    "hcm": (79,), "tphcm": (79,), "hcmc": (79,), "sg": (79,), "sgn": (79,), "tp hcm": (79,),
    "hn": (1,), "hni": (1,), "tphn": (1,), "hp": (31,), "hue": (46,), "tth": (46,), "tt hue": (46,),
    "br vt": (79,), "brvt": (79,), "vt": (79,),
    "dn": (48, 75), "bd": (79, 52), "qn": (48, 22, 51),
}

# Old districts, district-level towns and cities by old province code, type prefix dropped
# (except the numbered HCMC districts). The same name in several provinces is ambiguous.
OLD_DISTRICTS: dict[int, str] = {
    1: "Ba Đình|Hoàn Kiếm|Tây Hồ|Long Biên|Cầu Giấy|Đống Đa|Hai Bà Trưng|Hoàng Mai|Thanh Xuân|"
    "Sóc Sơn|Đông Anh|Gia Lâm|Nam Từ Liêm|Bắc Từ Liêm|Từ Liêm|Thanh Trì|Mê Linh|Hà Đông|"
    "Sơn Tây|Ba Vì|Phúc Thọ|Đan Phượng|Hoài Đức|Quốc Oai|Thạch Thất|Chương Mỹ|Thanh Oai|"
    "Thường Tín|Phú Xuyên|Ứng Hòa|Mỹ Đức",
    2: "Đồng Văn|Mèo Vạc|Yên Minh|Quản Bạ|Vị Xuyên|Bắc Mê|Hoàng Su Phì|Xín Mần|Bắc Quang|"
    "Quang Bình",
    4: "Bảo Lâm|Bảo Lạc|Thông Nông|Hà Quảng|Trà Lĩnh|Trùng Khánh|Hạ Lang|Quảng Uyên|Phục Hòa|"
    "Quảng Hòa|Hòa An|Nguyên Bình|Thạch An",
    6: "Pác Nặm|Ba Bể|Ngân Sơn|Bạch Thông|Chợ Đồn|Chợ Mới|Na Rì",
    8: "Lâm Bình|Nà Hang|Chiêm Hóa|Hàm Yên|Yên Sơn|Sơn Dương",
    10: "Bát Xát|Mường Khương|Si Ma Cai|Bắc Hà|Bảo Thắng|Bảo Yên|Sa Pa|Văn Bàn",
    11: "Điện Biên Phủ|Mường Lay|Mường Nhé|Mường Chà|Tủa Chùa|Tuần Giáo|Điện Biên Đông|"
    "Mường Ảng|Nậm Pồ",
    12: "Tam Đường|Mường Tè|Sìn Hồ|Phong Thổ|Than Uyên|Tân Uyên|Nậm Nhùn",
    14: "Quỳnh Nhai|Thuận Châu|Mường La|Bắc Yên|Phù Yên|Mộc Châu|Yên Châu|Mai Sơn|Sông Mã|"
    "Sốp Cộp|Vân Hồ",
    15: "Nghĩa Lộ|Lục Yên|Văn Yên|Mù Cang Chải|Trấn Yên|Trạm Tấu|Văn Chấn|Yên Bình",
    17: "Đà Bắc|Kỳ Sơn|Lương Sơn|Kim Bôi|Cao Phong|Tân Lạc|Mai Châu|Lạc Sơn|Yên Thủy|Lạc Thủy",
    19: "Sông Công|Định Hóa|Phú Lương|Đồng Hỷ|Võ Nhai|Đại Từ|Phổ Yên|Phú Bình",
    20: "Tràng Định|Bình Gia|Văn Lãng|Cao Lộc|Văn Quan|Bắc Sơn|Hữu Lũng|Chi Lăng|Lộc Bình|"
    "Đình Lập",
    22: "Hạ Long|Móng Cái|Cẩm Phả|Uông Bí|Bình Liêu|Tiên Yên|Đầm Hà|Hải Hà|Ba Chẽ|Vân Đồn|"
    "Hoành Bồ|Đông Triều|Quảng Yên|Cô Tô",
    24: "Yên Thế|Tân Yên|Lạng Giang|Lục Nam|Lục Ngạn|Sơn Động|Yên Dũng|Việt Yên|Hiệp Hòa",
    25: "Việt Trì|Đoan Hùng|Hạ Hòa|Thanh Ba|Phù Ninh|Yên Lập|Cẩm Khê|Tam Nông|Lâm Thao|"
    "Thanh Sơn|Thanh Thủy|Tân Sơn",
    26: "Vĩnh Yên|Phúc Yên|Lập Thạch|Tam Dương|Tam Đảo|Bình Xuyên|Yên Lạc|Vĩnh Tường|Sông Lô",
    27: "Yên Phong|Quế Võ|Tiên Du|Từ Sơn|Thuận Thành|Gia Bình|Lương Tài",
    30: "Chí Linh|Nam Sách|Kinh Môn|Kim Thành|Thanh Hà|Cẩm Giàng|Bình Giang|Gia Lộc|Tứ Kỳ|"
    "Ninh Giang|Thanh Miện",
    31: "Hồng Bàng|Ngô Quyền|Lê Chân|Hải An|Kiến An|Đồ Sơn|Dương Kinh|Thủy Nguyên|An Dương|"
    "An Lão|Kiến Thụy|Tiên Lãng|Vĩnh Bảo|Cát Hải|Cát Bà|Bạch Long Vĩ",
    33: "Văn Lâm|Văn Giang|Yên Mỹ|Mỹ Hào|Ân Thi|Khoái Châu|Kim Động|Tiên Lữ|Phù Cừ",
    34: "Quỳnh Phụ|Hưng Hà|Đông Hưng|Thái Thụy|Tiền Hải|Kiến Xương|Vũ Thư",
    35: "Phủ Lý|Duy Tiên|Kim Bảng|Thanh Liêm|Bình Lục|Lý Nhân",
    36: "Mỹ Lộc|Vụ Bản|Ý Yên|Nghĩa Hưng|Nam Trực|Trực Ninh|Xuân Trường|Giao Thủy|Hải Hậu",
    37: "Tam Điệp|Nho Quan|Gia Viễn|Hoa Lư|Yên Khánh|Kim Sơn|Yên Mô",
    38: "Bỉm Sơn|Sầm Sơn|Mường Lát|Quan Hóa|Bá Thước|Quan Sơn|Lang Chánh|Ngọc Lặc|Cẩm Thủy|"
    "Thạch Thành|Hà Trung|Vĩnh Lộc|Yên Định|Thọ Xuân|Thường Xuân|Triệu Sơn|Thiệu Hóa|"
    "Hoằng Hóa|Hậu Lộc|Nga Sơn|Như Xuân|Như Thanh|Nông Cống|Đông Sơn|Quảng Xương|Tĩnh Gia|"
    "Nghi Sơn",
    40: "Vinh|Cửa Lò|Thái Hòa|Quế Phong|Quỳ Châu|Kỳ Sơn|Tương Dương|Nghĩa Đàn|Quỳ Hợp|"
    "Quỳnh Lưu|Con Cuông|Tân Kỳ|Anh Sơn|Diễn Châu|Yên Thành|Đô Lương|Thanh Chương|Nghi Lộc|"
    "Nam Đàn|Hưng Nguyên|Hoàng Mai",
    42: "Hồng Lĩnh|Hương Sơn|Đức Thọ|Vũ Quang|Nghi Xuân|Can Lộc|Hương Khê|Thạch Hà|Cẩm Xuyên|"
    "Kỳ Anh|Lộc Hà",
    44: "Đồng Hới|Minh Hóa|Tuyên Hóa|Quảng Trạch|Bố Trạch|Quảng Ninh|Lệ Thủy|Ba Đồn",
    45: "Đông Hà|Vĩnh Linh|Hướng Hóa|Gio Linh|Đa Krông|Cam Lộ|Triệu Phong|Hải Lăng|Cồn Cỏ",
    46: "Phong Điền|Quảng Điền|Phú Vang|Hương Thủy|Hương Trà|A Lưới|Phú Lộc|Nam Đông",
    48: "Liên Chiểu|Thanh Khê|Hải Châu|Sơn Trà|Ngũ Hành Sơn|Cẩm Lệ|Hòa Vang|Hoàng Sa",
    49: "Tam Kỳ|Hội An|Tây Giang|Đông Giang|Đại Lộc|Điện Bàn|Duy Xuyên|Quế Sơn|Nam Giang|"
    "Phước Sơn|Hiệp Đức|Thăng Bình|Tiên Phước|Bắc Trà My|Nam Trà My|Núi Thành|Phú Ninh|"
    "Nông Sơn",
    51: "Bình Sơn|Trà Bồng|Tây Trà|Sơn Tịnh|Tư Nghĩa|Sơn Hà|Sơn Tây|Minh Long|Nghĩa Hành|"
    "Mộ Đức|Đức Phổ|Ba Tơ|Lý Sơn",
    52: "Quy Nhơn|Qui Nhơn|An Lão|Hoài Nhơn|Hoài Ân|Phù Mỹ|Vĩnh Thạnh|Tây Sơn|Phù Cát|An Nhơn|"
    "Tuy Phước|Vân Canh",
    54: "Tuy Hòa|Sông Cầu|Đồng Xuân|Tuy An|Sơn Hòa|Sông Hinh|Tây Hòa|Phú Hòa|Đông Hòa",
    56: "Nha Trang|Cam Ranh|Cam Lâm|Vạn Ninh|Ninh Hòa|Khánh Vĩnh|Diên Khánh|Khánh Sơn|Trường Sa",
    58: "Phan Rang - Tháp Chàm|Phan Rang|Bác Ái|Ninh Sơn|Ninh Hải|Ninh Phước|Thuận Bắc|"
    "Thuận Nam",
    60: "Phan Thiết|La Gi|Tuy Phong|Bắc Bình|Hàm Thuận Bắc|Hàm Thuận Nam|Tánh Linh|Đức Linh|"
    "Hàm Tân|Phú Quý|Mũi Né",
    62: "Đắk Glei|Ngọc Hồi|Đắk Tô|Kon Plông|Kon Rẫy|Đắk Hà|Sa Thầy|Tu Mơ Rông|Ia H'Drai",
    64: "Pleiku|An Khê|Ayun Pa|Kbang|Đăk Đoa|Chư Păh|Ia Grai|Mang Yang|Kông Chro|Đức Cơ|"
    "Chư Prông|Chư Sê|Đăk Pơ|Ia Pa|Krông Pa|Phú Thiện|Chư Pưh",
    66: "Buôn Ma Thuột|Buôn Mê Thuột|Buôn Hồ|Ea H'leo|Ea Súp|Buôn Đôn|Cư M'gar|Krông Búk|"
    "Krông Năng|Ea Kar|M'Đrắk|Krông Bông|Krông Pắc|Krông A Na|Lắk|Cư Kuin",
    67: "Gia Nghĩa|Đăk Glong|Cư Jút|Đắk Mil|Krông Nô|Đắk Song|Đắk R'Lấp|Tuy Đức",
    68: "Đà Lạt|Bảo Lộc|Đam Rông|Lạc Dương|Lâm Hà|Đơn Dương|Đức Trọng|Di Linh|Bảo Lâm|"
    "Đạ Huoai|Đạ Tẻh|Cát Tiên",
    70: "Phước Long|Đồng Xoài|Bình Long|Bù Gia Mập|Lộc Ninh|Bù Đốp|Hớn Quản|Đồng Phú|Bù Đăng|"
    "Chơn Thành|Phú Riềng",
    72: "Tân Biên|Tân Châu|Dương Minh Châu|Châu Thành|Hòa Thành|Gò Dầu|Bến Cầu|Trảng Bàng",
    74: "Thủ Dầu Một|Bàu Bàng|Dầu Tiếng|Bến Cát|Phú Giáo|Tân Uyên|Dĩ An|Thuận An|Bắc Tân Uyên",
    75: "Biên Hòa|Long Khánh|Tân Phú|Vĩnh Cửu|Định Quán|Trảng Bom|Thống Nhất|Cẩm Mỹ|"
    "Long Thành|Xuân Lộc|Nhơn Trạch",
    77: "Vũng Tàu|Bà Rịa|Châu Đức|Xuyên Mộc|Long Điền|Đất Đỏ|Tân Thành|Phú Mỹ|Côn Đảo",
    79: "Quận 1|Quận 2|Quận 3|Quận 4|Quận 5|Quận 6|Quận 7|Quận 8|Quận 9|Quận 10|Quận 11|"
    "Quận 12|Thủ Đức|Gò Vấp|Bình Thạnh|Tân Bình|Tân Phú|Phú Nhuận|Bình Tân|Củ Chi|Hóc Môn|"
    "Bình Chánh|Nhà Bè|Cần Giờ",
    80: "Tân An|Kiến Tường|Tân Hưng|Vĩnh Hưng|Mộc Hóa|Tân Thạnh|Thạnh Hóa|Đức Huệ|Đức Hòa|"
    "Bến Lức|Thủ Thừa|Tân Trụ|Cần Đước|Cần Giuộc|Châu Thành",
    82: "Mỹ Tho|Gò Công|Cai Lậy|Tân Phước|Cái Bè|Châu Thành|Chợ Gạo|Gò Công Tây|Gò Công Đông|"
    "Tân Phú Đông",
    83: "Châu Thành|Chợ Lách|Mỏ Cày Nam|Giồng Trôm|Bình Đại|Ba Tri|Thạnh Phú|Mỏ Cày Bắc",
    84: "Càng Long|Cầu Kè|Tiểu Cần|Châu Thành|Cầu Ngang|Trà Cú|Duyên Hải",
    86: "Long Hồ|Mang Thít|Vũng Liêm|Tam Bình|Bình Minh|Trà Ôn|Bình Tân",
    87: "Cao Lãnh|Sa Đéc|Hồng Ngự|Tân Hồng|Tam Nông|Tháp Mười|Thanh Bình|Lấp Vò|Lai Vung|"
    "Châu Thành",
    89: "Long Xuyên|Châu Đốc|An Phú|Tân Châu|Phú Tân|Châu Phú|Tịnh Biên|Tri Tôn|Châu Thành|"
    "Chợ Mới|Thoại Sơn",
    91: "Rạch Giá|Hà Tiên|Kiên Lương|Hòn Đất|Tân Hiệp|Châu Thành|Giồng Riềng|Gò Quao|An Biên|"
    "An Minh|Vĩnh Thuận|Phú Quốc|Kiên Hải|U Minh Thượng|Giang Thành",
    92: "Ninh Kiều|Ô Môn|Bình Thủy|Cái Răng|Thốt Nốt|Vĩnh Thạnh|Cờ Đỏ|Phong Điền|Thới Lai",
    93: "Vị Thanh|Ngã Bảy|Châu Thành A|Châu Thành|Phụng Hiệp|Vị Thủy|Long Mỹ",
    94: "Châu Thành|Kế Sách|Mỹ Tú|Cù Lao Dung|Long Phú|Mỹ Xuyên|Ngã Năm|Thạnh Trị|Vĩnh Châu|"
    "Trần Đề",
    95: "Hồng Dân|Phước Long|Vĩnh Lợi|Giá Rai|Đông Hải|Hòa Bình",
    96: "U Minh|Thới Bình|Trần Văn Thời|Cái Nước|Đầm Dơi|Năm Căn|Phú Tân|Ngọc Hiển",
}

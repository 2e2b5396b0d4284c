"""The console's languages: Vietnamese by default, English on request (`?lang=en`, kept in a cookie).

Templates and views write the English text and translate it with `_()`; VI holds its
Vietnamese. tests/ops/test_console_i18n.py checks every `_("...")` in the templates and views
has an entry, so no string shows up untranslated.
"""
from __future__ import annotations

from flask import g, request

LANGUAGES = ("vi", "en")
DEFAULT = "vi"
COOKIE = "ops_lang"

VI: dict[str, str] = {
    # layout and login
    "Ops console": "Bảng điều hành",
    "Dashboard": "Tổng quan",
    "Review": "Duyệt trùng",
    "Search": "Tìm kiếm",
    "Users": "Người dùng",
    "API tokens": "Token API",
    "Audit log": "Nhật ký thao tác",
    "Sign in": "Đăng nhập",
    "Sign out": "Đăng xuất",
    "Username": "Tên đăng nhập",
    "Password": "Mật khẩu",
    "Wrong username or password.": "Sai tên đăng nhập hoặc mật khẩu.",
    "Too many failed sign-ins. Wait a few minutes and try again.":
        "Đăng nhập sai quá nhiều lần. Hãy đợi vài phút rồi thử lại.",
    "Please sign in.": "Vui lòng đăng nhập.",
    "Your session has ended (your account changed). Please sign in again.":
        "Phiên làm việc đã kết thúc (tài khoản của bạn vừa thay đổi). Vui lòng đăng nhập lại.",
    "Signed in as": "Đang đăng nhập:",
    "role": "vai trò",
    "Language": "Ngôn ngữ",
    # errors
    "You do not have permission to do this.": "Bạn không có quyền thực hiện thao tác này.",
    "The form is missing its security token or it has expired. Reload the page and try again.":
        "Biểu mẫu thiếu mã bảo mật hoặc mã đã hết hạn. Hãy tải lại trang và thử lại.",
    "Page not found.": "Không tìm thấy trang.",
    "Bad request.": "Yêu cầu không hợp lệ.",
    "Something went wrong.": "Đã có lỗi xảy ra.",
    "Back": "Quay lại",
    "Error": "Lỗi",
    # review
    "Review queue": "Hàng chờ duyệt",
    "Why it needs a person": "Vì sao cần người duyệt",
    "the same phone, another given name (or the same one with another family or middle name): family members, colleagues on an office line and the customers of a sales collaborator often share one phone.":
        "cùng số điện thoại nhưng khác tên gọi (hoặc cùng tên gọi mà khác họ hay tên đệm): người trong nhà, đồng nghiệp dùng chung số cơ quan, khách của cộng tác viên bán hàng thường dùng chung một số.",
    "the same email, another given name (or the same one with another family or middle name): a family or an office may share one mailbox.":
        "cùng email nhưng khác tên gọi (hoặc cùng tên gọi mà khác họ hay tên đệm): gia đình hay cơ quan có thể dùng chung một hộp thư.",
    "only a phone or an email (or both) links them, and one of them gives no name: it may be another member of the family, who shares the phone and often the mailbox.":
        "chỉ trùng số điện thoại hoặc email (hoặc cả hai), và một bên không có tên: có thể là người khác trong gia đình, dùng chung số điện thoại và thường cả email.",
    "a chat gave this phone or email before the profile of its sender gave a name: who is writing is not known yet (the pair is checked again when the profile arrives).":
        "tin nhắn có số điện thoại hoặc email này nhưng hồ sơ người gửi chưa cho biết tên: chưa biết tên người nhắn (cặp này được đối chiếu lại khi có hồ sơ).",
    "only the names look alike: no phone, email or chat account in common.":
        "chỉ có tên giống nhau: không chung số điện thoại, email hay tài khoản chat nào.",
    "the score is above the review threshold but below the merge threshold.":
        "điểm cao hơn ngưỡng cần duyệt nhưng thấp hơn ngưỡng tự gộp.",
    "No suggestions to review in this filter.": "Không còn gợi ý nào cần duyệt với bộ lọc này.",
    "Minimum score": "Điểm tối thiểu",
    "Channel": "Kênh",
    "All channels": "Tất cả các kênh",
    "Filter": "Lọc",
    "Suggestion": "Gợi ý",
    "of": "trên",
    "Score": "Điểm",
    "Suggested at": "Gợi ý lúc",
    "Field": "Trường",
    "Name": "Họ tên",
    "Province": "Tỉnh/thành",
    "Phones": "Số điện thoại",
    "Emails": "Email",
    "Identities": "Định danh kênh",
    "Created": "Tạo lúc",
    "Evidence": "Bằng chứng",
    "Comparator": "Tiêu chí",
    "Level": "Mức",
    "Weight": "Trọng số",
    "Leads": "Lead",
    "Accept (merge)": "Đồng ý gộp",
    "Reject (different people)": "Từ chối (hai người khác nhau)",
    "Not sure": "Chưa chắc",
    "Next": "Tiếp",
    "Previous": "Trước",
    "Keyboard: a accept, r reject, n or j next, k previous.":
        "Phím tắt: a đồng ý gộp, r từ chối, n hoặc j tiếp theo, k quay lại.",
    "Also merge these related contacts": "Gộp thêm các liên hệ liên quan",
    "Merged: the contacts are now one. It can be undone from the contact page.":
        "Đã gộp: các liên hệ giờ là một. Có thể hoàn tác ở trang liên hệ.",
    "Rejected: this pair will not be suggested again.": "Đã từ chối: cặp này sẽ không được gợi ý lại.",
    "Marked as not sure; it stays in the queue.": "Đã đánh dấu chưa chắc; gợi ý vẫn ở trong hàng chờ.",
    "This suggestion was already decided.": "Gợi ý này đã được xử lý.",
    "The merge was refused:": "Không thể gộp:",
    "Bulk accept": "Đồng ý gộp hàng loạt",
    "Accept every suggestion in this filter (minimum score required)":
        "Đồng ý gộp mọi gợi ý trong bộ lọc này (bắt buộc có điểm tối thiểu)",
    "Bulk accept needs a minimum score.": "Gộp hàng loạt cần điểm tối thiểu.",
    "Merged suggestions:": "Số gợi ý đã gộp:",
    "not merged:": "không gộp được:",
    "The minimum score must be a number from 0 to 1.": "Điểm tối thiểu phải là số từ 0 đến 1.",
    "Survivor": "Giữ lại",
    "The older contact survives; choose which value each field keeps.":
        "Liên hệ cũ hơn được giữ lại; chọn giá trị giữ cho từng trường.",
    "(none)": "(trống)",
    # contact
    "Contact": "Liên hệ",
    "This contact was merged into": "Liên hệ này đã được gộp vào",
    "Attributes": "Thuộc tính",
    "Source": "Nguồn",
    "Timeline": "Dòng thời gian",
    "Time": "Thời gian",
    "Message": "Tin nhắn",
    "Ad / campaign": "Quảng cáo / chiến dịch",
    "Merge history": "Lịch sử gộp",
    "Merged contacts": "Liên hệ đã gộp",
    "By": "Bởi",
    "Undo": "Hoàn tác",
    "Undone": "Đã hoàn tác",
    "Undone: the contacts are separate again.": "Đã hoàn tác: các liên hệ đã tách riêng trở lại.",
    "The undo was refused:": "Không thể hoàn tác:",
    "A later merge depends on this one: undo the later merge first.":
        "Một lần gộp sau phụ thuộc vào lần này: hãy hoàn tác lần gộp sau trước.",
    "No merges.": "Chưa có lần gộp nào.",
    "No leads.": "Chưa có lead nào.",
    "Contact not found.": "Không tìm thấy liên hệ.",
    "Version": "Phiên bản",
    "merge": "lần gộp",
    # search
    "Name, phone, email or channel id": "Tên, số điện thoại, email hoặc mã kênh",
    "No contacts found.": "Không tìm thấy liên hệ nào.",
    "Searched by": "Tìm theo",
    "name": "tên",
    "phone": "số điện thoại",
    "email": "email",
    "channel id": "mã kênh",
    # dashboard
    "Leads per channel per day (last 30 days)": "Lead theo kênh mỗi ngày (30 ngày qua)",
    "New contacts": "Liên hệ mới",
    "Merged automatically": "Tự động gộp",
    "Sent to review": "Chuyển duyệt",
    "Review backlog": "Gợi ý chờ duyệt",
    "Processing lag": "Độ trễ xử lý",
    "seconds": "giây",
    "Failed events": "Sự kiện lỗi",
    "Replay": "Chạy lại",
    "Replay all failed events": "Chạy lại mọi sự kiện lỗi",
    "No failed events.": "Không có sự kiện lỗi.",
    "Events sent back to the queue:": "Số sự kiện đã đưa lại vào hàng đợi:",
    "Channel health": "Tình trạng kênh",
    "Last event received": "Sự kiện gần nhất",
    "Rejected requests (this process)": "Yêu cầu bị từ chối (tiến trình này)",
    "Signature or token failures (this process)": "Lỗi chữ ký hoặc token (tiến trình này)",
    "Token problems": "Sự cố token",
    "Events waiting for a token": "Sự kiện chờ token",
    "never": "chưa có",
    "OK": "Ổn",
    "Received": "Nhận lúc",
    "Error message": "Thông báo lỗi",
    "Attempts": "Số lần thử",
    "Facebook page token refused (expired or revoked): put a new token in the settings and restart.":
        "Facebook từ chối token của trang (hết hạn hoặc bị thu hồi): cập nhật token mới trong cấu hình rồi khởi động lại.",
    "Zalo OA needs re-authorisation: authorise the app again in the Zalo developer console, then give the hub the new token with `hub zalo set-token`.":
        "Zalo OA cần cấp quyền lại: cấp quyền lại cho ứng dụng trong trang Zalo cho nhà phát triển, rồi đưa token mới cho hub bằng `hub zalo set-token`.",
    "Last 30 days": "30 ngày qua",
    "leads": "lead",
    # admin
    "Add user": "Thêm người dùng",
    "Role": "Vai trò",
    "Active": "Đang hoạt động",
    "Disabled": "Đã khoá",
    "Last sign-in": "Đăng nhập gần nhất",
    "Disable": "Khoá",
    "Enable": "Mở khoá",
    "Change role": "Đổi vai trò",
    "User saved.": "Đã lưu người dùng.",
    "Create token": "Tạo token",
    "Scopes": "Quyền",
    "Revoke": "Thu hồi",
    "Revoked": "Đã thu hồi",
    "Last used": "Dùng gần nhất",
    "Copy this token now; it will not be shown again:": "Hãy sao chép token này ngay; nó sẽ không hiện lại:",
    "Token revoked.": "Đã thu hồi token.",
    "When": "Lúc",
    "Who": "Ai",
    "Action": "Thao tác",
    "Target": "Đối tượng",
    "Details": "Chi tiết",
    "Address": "Địa chỉ IP",
    "Older entries": "Cũ hơn",
    "Save": "Lưu",
    # webhooks
    "Webhooks": "Webhook",
    "Webhook": "Webhook",
    "Subscription added. Copy its signing secret now; it will not be shown again:":
        "Đã thêm đăng ký. Hãy sao chép khóa ký (secret) ngay; nó sẽ không hiện lại:",
    "URL": "URL",
    "Event types": "Loại sự kiện",
    "State": "Trạng thái",
    "Failing since": "Lỗi liên tục từ",
    "Pending": "Đang chờ",
    "Held": "Tạm giữ",
    "Delivered": "Đã gửi",
    "Failed": "Thất bại",
    "Enabled": "Đang bật",
    "Disabled automatically": "Đã tự động tắt",
    "No subscriptions yet.": "Chưa có đăng ký nào.",
    "Add subscription": "Thêm đăng ký",
    "Event types (space or comma separated, * for all)": "Loại sự kiện (cách nhau bởi dấu cách hoặc dấu phẩy, * là tất cả)",
    "Description": "Mô tả",
    "Rate limit (deliveries per second, empty: none)": "Giới hạn tốc độ (số lần gửi mỗi giây, để trống: không giới hạn)",
    "Rate limit": "Giới hạn tốc độ",
    "Allow private addresses": "Cho phép địa chỉ nội bộ",
    "Only an operator may allow private addresses (`hub webhooks add --allow-private`).":
        "Gửi tới địa chỉ nội bộ là quyết định của người vận hành (`hub webhooks add --allow-private`).",
    "Rate limit must be a number of deliveries per second.": "Giới hạn tốc độ phải là một số lần gửi mỗi giây.",
    "Subscription enabled; held deliveries go out now.": "Đã bật đăng ký; các lần gửi đang tạm giữ sẽ được gửi ngay.",
    "Subscription disabled; new events are held until it is enabled.":
        "Đã tắt đăng ký; sự kiện mới được giữ lại cho tới khi bật lại.",
    "Subscription removed.": "Đã xóa đăng ký.",
    "Delivery queued to be sent again.": "Đã xếp lần gửi này để gửi lại.",
    "Give the date and time to replay from.": "Hãy nhập ngày giờ bắt đầu gửi lại.",
    "{count} deliveries queued to be sent again.": "Đã xếp {count} lần gửi để gửi lại.",
    "Reason": "Lý do",
    "Replay every event since": "Gửi lại mọi sự kiện từ",
    "Send again": "Gửi lại",
    "Remove": "Xóa",
    "Remove this subscription and its delivery log?": "Xóa đăng ký này cùng nhật ký gửi của nó?",
    "Delivery log": "Nhật ký gửi",
    "Status": "Trạng thái",
    "All": "Tất cả",
    "Event": "Sự kiện",
    "Attempts": "Số lần thử",
    "Response code": "Mã phản hồi",
    "Next attempt": "Lần thử tới",
    "No deliveries.": "Chưa có lần gửi nào.",
    "Delivery": "Lần gửi",
    "Outcome": "Kết quả",
    "Latency (ms)": "Độ trễ (ms)",
    "Response body": "Nội dung phản hồi",
    "Trigger": "Nguyên nhân",
    "Not attempted yet.": "Chưa thử gửi lần nào.",
    # import
    "Import": "Nhập dữ liệu",
    "Import leads from a spreadsheet": "Nhập khách hàng từ bảng tính",
    "File (.csv or .xlsx, at most {mb} MB)": "Tệp (.csv hoặc .xlsx, tối đa {mb} MB)",
    "Vietnamese and English column headers are recognised (Họ tên, SĐT, Email, Tỉnh/Thành, Địa chỉ, Ghi chú, Nguồn, Ngày, Mã KH). Rows already imported (from this file or an earlier export of the same sheet) are not added again.":
        "Nhận diện tiêu đề cột tiếng Việt và tiếng Anh (Họ tên, SĐT, Email, Tỉnh/Thành, Địa chỉ, Ghi chú, Nguồn, Ngày, Mã KH). Các dòng đã nhập (từ tệp này hay một bản xuất trước của cùng bảng tính) sẽ không bị thêm lần nữa.",
    "Recent imports": "Các lần nhập gần đây",
    "File": "Tệp",
    "Started": "Bắt đầu",
    "Rows": "Số dòng",
    "Imported": "Đã nhập",
    "Rejected": "Bị từ chối",
    "No imports yet.": "Chưa có lần nhập nào.",
    "Running": "Đang chạy",
    "Done": "Hoàn tất",
    "Interrupted": "Bị gián đoạn",
    "rows/s": "dòng/giây",
    "Duplicates skipped": "Trùng, bỏ qua",
    "Waiting to be retried": "Chờ thử lại",
    "Download the rejected rows report (CSV)": "Tải báo cáo các dòng bị từ chối (CSV)",
    "This import stopped (the server restarted). Upload the file again: rows already imported are not added twice.":
        "Lần nhập này đã dừng (máy chủ khởi động lại). Hãy tải tệp lên lại: các dòng đã nhập sẽ không bị thêm lần nữa.",
    "The file is too large (at most {mb} MB).": "Tệp quá lớn (tối đa {mb} MB).",
    "Choose a .csv or .xlsx file.": "Hãy chọn một tệp .csv hoặc .xlsx.",
    "Only .csv and .xlsx files can be imported.": "Chỉ nhập được tệp .csv và .xlsx.",
    "The file is empty.": "Tệp trống.",
}


def language() -> str:
    """The request's language: `?lang=` first, then the cookie, then Vietnamese."""
    asked = request.args.get("lang") or request.cookies.get(COOKIE) or DEFAULT
    return asked if asked in LANGUAGES else DEFAULT


def gettext(text: str, **values: object) -> str:
    """`text` in the request's language (English is the source text), with {name} filled in."""
    lang = getattr(g, "lang", DEFAULT)
    translated = VI.get(text, text) if lang == "vi" else text
    return translated.format(**values) if values else translated

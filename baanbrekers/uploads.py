"""The upload size limit, enforced while the request body arrives.

Django spools an uploaded file to a temporary file in full before any view (or form, or the
service's own size check) sees it, so a client could stream gigabytes into /tmp. This handler is
the first of ``settings.FILE_UPLOAD_HANDLERS``, so it is in place before any middleware reads the
body:

- a multipart body whose Content-Length is over the limit is not read at all (``POST`` and
  ``FILES`` come out empty);
- a body that passes the limit while it arrives (chunked, or lying about its length) stops being
  stored at the limit; the rest is read and dropped.

Either way ``request.upload_too_large`` is true, and the upload view answers with its message
(``imports.views.upload``). The limit is ``settings.IMPORT_MAX_BYTES``: the spreadsheet import is
the platform's only file upload, and its service checks the same number.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

# The form's other fields and the multipart boundaries around the file.
FORM_OVERHEAD_BYTES = 64 * 1024


def upload_too_large(request) -> bool:
    return getattr(request, "upload_too_large", False)


class LimitedUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0
        if content_length and content_length > settings.IMPORT_MAX_BYTES + FORM_OVERHEAD_BYTES:
            self._refuse()
            # Returning a result ends the parsing before a byte of the body is read.
            return QueryDict(encoding=encoding), MultiValueDict()
        return None

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.IMPORT_MAX_BYTES:
            self._refuse()
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None

    def _refuse(self) -> None:
        if self.request is not None:
            self.request.upload_too_large = True

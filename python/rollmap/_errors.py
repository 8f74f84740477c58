"""The one exception type: a librollmap status code plus its message."""

STATUS_NAMES = {
    0: "RM_OK",
    -1: "RM_ERR_ARG",
    -2: "RM_ERR_NOMEM",
    -3: "RM_ERR_IO",
    -4: "RM_ERR_FORMAT",
    -5: "RM_ERR_UNSUPPORTED",
    -6: "RM_ERR_TIMEOUT",
    -7: "RM_ERR_NODEV",
    -8: "RM_ERR_EXISTS",
}


class RollmapError(Exception):
    """A librollmap call failed.

    status: the rm_status code (negative int, e.g. -4 for RM_ERR_FORMAT);
    status_name: its name ("RM_ERR_FORMAT"); message: the library's
    detail ("calf.wav: no 'rmap' chunk").
    """

    def __init__(self, status, message):
        super().__init__(message)
        self.status = int(status)
        self.status_name = STATUS_NAMES.get(self.status, "RM_ERR_%d" % status)
        self.message = message

    def __str__(self):
        return "%s (%s)" % (self.message, self.status_name)

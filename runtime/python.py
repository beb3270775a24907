# Nimbus's Python bootstrap: speaks the Lambda Runtime API (AWS_LAMBDA_RUNTIME_API) and runs the
# handler named by _HANDLER ("module.function", module may be a path like "pkg/mod") from
# LAMBDA_TASK_ROOT.
import http.client
import importlib
import json
import os
import sys
import time
import traceback

MARKER = "\u001eNIMBUS:END:"
api = os.environ.get("AWS_LAMBDA_RUNTIME_API", "")
host, _, prefix = api.partition("/")
BASE = ("/" + prefix if prefix else "") + "/2018-06-01/runtime"
conn = http.client.HTTPConnection(host)

# One ordered log stream: stderr goes where stdout goes, as in Lambda's log capture.
os.dup2(1, 2)
sys.stdout.reconfigure(line_buffering=True)
sys.stderr.reconfigure(line_buffering=True)


def call(method, path, body=None, headers=None):
    try:
        conn.request(method, BASE + path, body=body, headers=headers or {})
        res = conn.getresponse()
        return res.status, res.headers, res.read()
    except (OSError, http.client.HTTPException):
        # Without the Runtime API there is nothing left to do (Nimbus stopped or killed us).
        os._exit(1)


def post_error(path, error):
    call("POST", path, json.dumps(error).encode(), {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": error["errorType"]})


def init_failed(error_type, message, stack=None):
    error = {"errorMessage": message, "errorType": error_type, "requestId": "", "stackTrace": stack or []}
    print("[ERROR] %s: %s" % (error_type, message), flush=True)
    post_error("/init/error", error)
    sys.exit(1)


def load_handler():
    spec = os.environ.get("_HANDLER", "")
    module_path, _, function_name = spec.rpartition(".")
    if not module_path or not function_name:
        init_failed("Runtime.MalformedHandlerName", "Bad handler '%s': not enough values to unpack (expected 2, got 1)" % spec)
    module_name = module_path.replace("/", ".")
    root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    if root not in sys.path:
        sys.path.insert(0, root)
    try:
        module = importlib.import_module(module_name)
    except SyntaxError as e:
        init_failed("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (module_name, e), traceback.format_list(traceback.extract_tb(e.__traceback__)))
    except ImportError as e:
        init_failed("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (module_name, e))
    except Exception as e:
        init_failed(type(e).__name__, str(e), traceback.format_list(traceback.extract_tb(e.__traceback__)))
    handler = getattr(module, function_name, None)
    if not callable(handler):
        init_failed("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (function_name, module_name))
    return handler


class LambdaContext:
    def __init__(self, request_id, headers):
        self.aws_request_id = request_id
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        client_context = headers.get("Lambda-Runtime-Client-Context")
        identity = headers.get("Lambda-Runtime-Cognito-Identity")
        self.client_context = json.loads(client_context) if client_context else None
        self.identity = json.loads(identity) if identity else None
        self._deadline = int(headers.get("Lambda-Runtime-Deadline-Ms") or 0)

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline - int(time.time() * 1000))


def main():
    handler = load_handler()
    while True:
        status, headers, body = call("GET", "/invocation/next")
        if status != 200:
            os._exit(1)
        request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        if headers.get("Lambda-Runtime-Trace-Id"):
            os.environ["_X_AMZN_TRACE_ID"] = headers.get("Lambda-Runtime-Trace-Id")
        context = LambdaContext(request_id, headers)
        path, payload, extra = None, None, {}
        try:
            event = json.loads(body) if body else {}
            result = handler(event, context)
            try:
                payload = json.dumps(result).encode()
                path = "/invocation/%s/response" % request_id
            except (TypeError, ValueError) as e:
                error = {"errorMessage": "Unable to marshal response: %s" % e, "errorType": "Runtime.MarshalError", "requestId": request_id, "stackTrace": []}
                print("[ERROR] Runtime.MarshalError: %s" % error["errorMessage"])
                path, payload = "/invocation/%s/error" % request_id, json.dumps(error).encode()
                extra = {"Lambda-Runtime-Function-Error-Type": "Runtime.MarshalError"}
        except Exception as e:
            tb = traceback.extract_tb(e.__traceback__)[1:]
            error = {"errorMessage": str(e), "errorType": type(e).__name__, "requestId": request_id, "stackTrace": traceback.format_list(tb)}
            print("[ERROR] %s: %s\rTraceback (most recent call last):\r%s" % (type(e).__name__, e, "".join(error["stackTrace"]).replace("\n", "\r")))
            path, payload = "/invocation/%s/error" % request_id, json.dumps(error).encode()
            extra = {"Lambda-Runtime-Function-Error-Type": type(e).__name__}
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout.write("%s%s\n" % (MARKER, request_id))
        sys.stdout.flush()
        call("POST", path, payload, dict({"Content-Type": "application/json"}, **extra))


main()

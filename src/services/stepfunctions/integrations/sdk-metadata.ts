/**
 * The Java SDK response metadata AWS's optimized integrations add to a service result
 * (`SdkHttpMetadata` with the HTTP headers, `SdkResponseMetadata` with the request id).
 */
export function sdkMetadata(requestId: string, headers: Record<string, string>, status = 200): { SdkHttpMetadata: unknown; SdkResponseMetadata: unknown } {
  return {
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      HttpHeaders: headers,
      HttpStatusCode: status,
    },
    SdkResponseMetadata: { RequestId: requestId },
  };
}

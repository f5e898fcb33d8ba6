namespace SharedList.Protocol.Resp;

/// <summary>The bounds on what one Redis request may make the server hold, each refused with Redis's own error.</summary>
public sealed record RespLimits
{
    /// <summary>Redis's bound on a multibulk count: 1,048,576 arguments.</summary>
    public const int DefaultMaxArguments = 1024 * 1024;

    /// <summary>Redis's bound on an inline request, and on the line that announces a count or a length: 64 KiB.</summary>
    public const int MaxInlineBytes = 64 * 1024;

    /// <summary>The largest argument, in bytes (Redis's <c>proto-max-bulk-len</c>): the service's largest message.</summary>
    public int MaxBulkBytes { get; init; } = Service.SharedListOptions.DefaultMaxMessageBytes;

    /// <summary>The most arguments in one request.</summary>
    public int MaxArguments { get; init; } = DefaultMaxArguments;

    /// <summary>
    /// The most bytes of arguments in one request: 8 MiB, so a connection holds at most that much of a request, as
    /// Redis's <c>client-query-buffer-limit</c> bounds it (at 1 GiB there).
    /// </summary>
    public int MaxRequestBytes { get; init; } = 8 * 1024 * 1024;
}

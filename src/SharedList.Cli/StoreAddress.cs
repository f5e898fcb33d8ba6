namespace SharedList.Cli;

/// <summary>The value of <c>--store</c>: <c>memory</c>, or the address of a Redis-compatible server.</summary>
internal static class StoreAddress
{
    /// <summary>Reads <paramref name="text"/>; returns why it is not a store's address, or null.</summary>
    /// <param name="text">The option's value.</param>
    /// <param name="redis">The Redis address; null for <c>memory</c> or on error.</param>
    public static string? Parse(string text, out Uri? redis)
    {
        redis = null;
        if (text == "memory")
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("redis" or "rediss"))
        {
            return $"expected memory or redis://[user:password@]host:port[/db] (rediss:// for TLS), got '{text}'";
        }

        if (string.IsNullOrEmpty(uri.Host))
        {
            return $"'{text}' names no host; e.g. redis://127.0.0.1:6379";
        }

        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0 && !int.TryParse(path, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            return $"'{text}': the path is the database number, e.g. redis://127.0.0.1:6379/0, got '/{path}'";
        }

        redis = uri;
        return null;
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SharedList.Stores;

namespace SharedList.Hosting;

/// <summary>Opens the store <see cref="StoreSettings"/> name.</summary>
public static class ListStores
{
    /// <summary>Opens the store: replays a journal, connects to Redis, or makes an empty memory store.</summary>
    /// <exception cref="StoreOpenException">The store cannot be opened as asked; the message says why and what to do.</exception>
    public static IListStore Open(StoreSettings settings, ILoggerFactory? logging = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        logging ??= NullLoggerFactory.Instance;
        return settings.Kind switch
        {
            StoreKind.Journal => throw new NotSupportedException("The journal store is not available in this build."),
            StoreKind.Redis => throw new NotSupportedException("The Redis store is not available in this build."),
            _ => new MemoryListStore(settings.MaxItems),
        };
    }
}

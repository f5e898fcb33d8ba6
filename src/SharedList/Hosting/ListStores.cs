using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SharedList.Stores;
using SharedList.Stores.Journal;
using SharedList.Stores.Redis;

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
            StoreKind.Journal => OpenJournal(settings, logging),
            StoreKind.Redis => OpenRedis(settings, logging),
            _ => new MemoryListStore(settings.MaxItems),
        };
    }

    private static JournalListStore OpenJournal(StoreSettings settings, ILoggerFactory logging)
    {
        var options = new JournalOptions
        {
            Directory = settings.DataDirectory!,
            Fsync = settings.Fsync,
            Repair = settings.Repair,
            MaxItems = settings.MaxItems,
        };
        try
        {
            return JournalListStore.Open(options, logging.CreateLogger("SharedList.Journal"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreOpenException($"cannot open the journal in {options.Directory}: {e.Message}", e);
        }
    }

    private static RedisListStore OpenRedis(StoreSettings settings, ILoggerFactory logging)
    {
        RedisStoreOptions options;
        try
        {
            options = RedisStoreOptions.FromUri(settings.Redis!) with { MaxItems = settings.MaxItems };
        }
        catch (FormatException e)
        {
            throw new StoreOpenException($"--store: {e.Message}", e);
        }

        // A server that is down is not an error here: the store starts, says so, and serves once it answers.
        return RedisListStore.Connect(options, logging.CreateLogger("SharedList.Redis"));
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SharedList.Stores;
using SharedList.Stores.Journal;

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
            StoreKind.Redis => throw new NotSupportedException("The Redis store is not available in this build."),
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
}

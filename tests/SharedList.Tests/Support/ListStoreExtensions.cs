using System.Text;
using SharedList.Protocol;
using SharedList.Service;
using SharedList.Stores;

namespace SharedList.Tests.Support;

/// <summary>Strings in and out of a store, for tests written in items rather than bytes.</summary>
internal static class ListStoreExtensions
{
    /// <summary>Appends <paramref name="item"/> as UTF-8, as a session does with a message.</summary>
    public static bool TryAppend(this InMemoryList list, string item) => list.TryAppend(Encoding.UTF8.GetBytes(item));

    /// <summary>Appends <paramref name="item"/> as UTF-8 to a list of the memory store.</summary>
    public static bool TryAppend(this MemoryStoredList list, string item) => list.TryAppend(Encoding.UTF8.GetBytes(item));

    /// <summary>What <c>LIST</c> must answer for these items: CPython's <c>str(list)</c>, by the string renderer.</summary>
    public static string Str(params string[] items) => PythonListRenderer.RenderToString(items);

    /// <summary>The list a session serves by default (<see cref="SharedListOptions.DefaultListKey"/>), read and written as the single-list tests do.</summary>
    extension(MemoryListStore store)
    {
        public MemoryStoredList Served => store.GetList(SharedListOptions.DefaultListKey);

        public int Count => store.Served.Count;

        public ListSnapshot Snapshot() => store.Served.Snapshot();

        public bool TryAppend(string item) => store.Served.TryAppend(item);

        public bool TryAppend(ReadOnlySpan<byte> item) => store.Served.TryAppend(item);

        public void Clear() => store.Served.ClearItems();
    }
}

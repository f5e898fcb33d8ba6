using System.Text;
using SharedList.Protocol;
using SharedList.Stores;

namespace SharedList.Tests.Support;

/// <summary>Strings in and out of a store, for tests written in items rather than bytes.</summary>
internal static class ListStoreExtensions
{
    /// <summary>Appends <paramref name="item"/> as UTF-8, as a session does with a message.</summary>
    public static bool TryAppend(this IListStore store, string item) => store.TryAppend(Encoding.UTF8.GetBytes(item));

    /// <summary>What <c>LIST</c> must answer for these items: CPython's <c>str(list)</c>, by the string renderer.</summary>
    public static string Str(params string[] items) => PythonListRenderer.RenderToString(items);
}

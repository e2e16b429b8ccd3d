using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace WebSocketKit;

public sealed partial class Conn
{
    /// <summary>
    /// Sends <paramref name="value"/> as one JSON text message, serialised straight into the
    /// message's frames (gorilla's <c>WriteJSON</c>). This overload is trimming- and AOT-safe.
    /// </summary>
    public async ValueTask WriteJsonAsync<T>(T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        var writer = NextWriter(MessageType.Text);
        await using (writer.ConfigureAwait(false))
            await JsonSerializer.SerializeAsync(writer, value, typeInfo, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends <paramref name="value"/> as JSON using reflection-based serialisation.</summary>
    [RequiresUnreferencedCode("Reflection-based JSON; use the JsonTypeInfo overload when trimming.")]
    [RequiresDynamicCode("Reflection-based JSON; use the JsonTypeInfo overload for native AOT.")]
    public ValueTask WriteJsonAsync<T>(T value, JsonSerializerOptions? options = null, CancellationToken cancellationToken = default)
        => WriteJsonAsync(value, (JsonTypeInfo<T>)(options ?? JsonSerializerOptions.Default).GetTypeInfo(typeof(T)), cancellationToken);

    /// <summary>
    /// Reads the next message and deserialises it as JSON (gorilla's <c>ReadJSON</c>), streaming
    /// from the frames. Malformed JSON throws <see cref="JsonException"/>; the connection stays usable.
    /// </summary>
    public async ValueTask<T?> ReadJsonAsync<T>(JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        var (_, reader) = await NextReaderAsync(cancellationToken).ConfigureAwait(false);
        return await JsonSerializer.DeserializeAsync(reader, typeInfo, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the next message as JSON using reflection-based deserialisation.</summary>
    [RequiresUnreferencedCode("Reflection-based JSON; use the JsonTypeInfo overload when trimming.")]
    [RequiresDynamicCode("Reflection-based JSON; use the JsonTypeInfo overload for native AOT.")]
    public ValueTask<T?> ReadJsonAsync<T>(JsonSerializerOptions? options = null, CancellationToken cancellationToken = default)
        => ReadJsonAsync((JsonTypeInfo<T>)(options ?? JsonSerializerOptions.Default).GetTypeInfo(typeof(T)), cancellationToken);
}

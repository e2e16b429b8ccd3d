namespace Autobahn.Engine.Http2.Hpack;

/// <summary>A header block that cannot be decoded: for HTTP/2 a connection error of type COMPRESSION_ERROR.</summary>
public sealed class HpackException(string message) : Exception(message);

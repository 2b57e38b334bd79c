// Equality (=), equivalence (~) and ordering of items and collections, with FHIRPath's
// implicit conversions (FHIR primitives to System values, Integer to Decimal, Date to DateTime).
#pragma once

#include <optional>

#include "engine.h"

namespace renkei::fhirpath {

/// `=`: nullopt when the answer is unknown (dates of different precision, quantities in
/// incomparable units).
std::optional<bool> itemsEqual(Engine& e, const Item& a, const Item& b);
/// `~`: never unknown.
bool itemsEquivalent(Engine& e, const Item& a, const Item& b);

enum class ItemOrder : uint8_t { Less, Equal, Greater, Unknown, Incompatible };
/// Ordering for <, >, <=, >= and sort(); Incompatible for types without an order between them.
ItemOrder compareItems(Engine& e, const Item& a, const Item& b);

/// Collection `=` (ordered, nullopt when either side is empty or an item pair is unknown).
std::optional<bool> collectionsEqual(Engine& e, ItemSpan a, ItemSpan b);
/// Collection `~` (order-independent; two empty collections are equivalent).
bool collectionsEquivalent(Engine& e, ItemSpan a, ItemSpan b);

/// Is `item` already in `items` (by `=`; the same node counts at once)?
bool containsItem(Engine& e, ItemSpan items, const Item& item);
/// Appends each of `items` that is not yet among out[from...] (union, distinct(), intersect()).
void appendDistinct(Engine& e, ItemSpan items, Collection& out, std::size_t from);

/// The text form used by toString(), join() and string concatenation; nullopt for items
/// without one (complex elements).
std::optional<std::string> itemText(Engine& e, const Item& item);

}  // namespace renkei::fhirpath

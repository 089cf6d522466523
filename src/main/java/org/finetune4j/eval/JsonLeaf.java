package org.finetune4j.eval;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One {@code path → scalar} pair of a flattened JSON value.
 *
 * @param path  concrete location, e.g. {@code items[0].price}; {@code $} for a top-level scalar
 * @param field the path with array indices erased, e.g. {@code items[].price}: the "field name" that per-field
 *              statistics, macro-F1 and field comparators are keyed by
 * @param value a scalar, a JSON null, or an <em>empty</em> object/array (non-empty containers are descended into)
 */
public record JsonLeaf(String path, String field, JsonNode value) {}

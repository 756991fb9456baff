// Deliberately broken: a syntax error.
export default { name: 'Broken', filter( {
